"""List the words that point to each language in short chat messages.

A word may sit in several lists (Spanish and Catalan share "hola"); the detector then
splits its vote. Words that every language uses in chat ("ok", "info", "email",
"whatsapp") and English loanwords common in es/ca/pt ("budget", "closet", "look",
"walk-in", "showroom") are deliberately absent, so they never decide a language.
"""

from __future__ import annotations


def _split(block: str) -> tuple[str, ...]:
    """Return the whitespace-separated words of a block of text."""
    return tuple(block.split())


SPANISH = _split(
    """
perfecto perfecta genial guay adiós adios chao hasta luego claro entendido acuerdo lunes martes
miércoles miercoles jueves enero febrero marzo abril mayo junio julio agosto septiembre octubre
noviembre diciembre medidas entrega entregas instalación instalacion instalar montaje garantía
garantia financiación financiacion plazos tarjeta pago factura diseño diseno diseñador diseñadora
número numero pregunta interesa interesado interesada trabajáis trabajais trabajan abren abrís
tardáis tardais tardan cuánto cuanto vais pasáis pasais nop sip vale porfi porfa pls gracias mil
ningún ninguna ningun alguien encargar encargo madrid sevilla el la los las lo le les y o u a e es
son que no día de del al en un una unos unas con por para pero sino muy mucho mucha muchos muchas
más mas menos este esta esto estos estas ese esa eso esos esas aquí aqui ahí allí hay hola buenas
buenos buen bueno buena días dias tardes noches gracias graciass muchas porfa porfavor tengo tenemos
tienen tiene quiero queremos quería queria quisiera quisieramos necesito necesitamos necesitaría
busco buscamos buscando hacéis haceis hacen hace hacer hago tenéis teneis podéis podeis puedo puede
pueden podría podria podrían podrian cuánto cuanto cuánta cuanta cuántos cuesta cuestan costaría
costaria precio precios presupuesto presupuestos cocina cocinas armario armarios empotrado
empotrados mueble muebles baño bano salón salon dormitorio habitación habitacion habitaciones niños
ninos librería libreria estantería estanteria medida metros cuadrados lineales estoy está esta están
estan estamos soy somos sí vale ahora mañana manana noche cuándo cuando dónde donde qué cómo como
horario tienda enviar envíar catálogo catalogo llamar llamadme llamame llámame teléfono telefono
móvil movil correo semana semanas mes meses año ano años anos hoy ayer también tambien pues vosotros
ustedes usted he has hemos habéis sería seria gustaría gustaria piso calle nueva nuevo nuevos hecho
solo sólo ya ver visitar visita tiempo información informacion saber quería favor abrís abris
abierto cerrado sábado sabado sábados domingo domingos lunes viernes mirando ideas prisa urgente
antes pronto posible rápido rapido estilo madera blanco negro tamaño largo ancho alto fondo mi mis
tu tus su sus nuestro nuestra vuestro vuestra me te nos os se les él ella ellos ellas algo nada todo
todos toda cada otro otra hasta desde entre sobre sin según tras luego después despues entonces
porque porqué aunque cual cuál cuales quien quién reformar reforma cambiar poner quitar vivienda
casa apartamento dirección direccion cita pedido dormir cuarto ducha cajones puertas encimera isla
frentes lacado roble gastar pavos euros mil millón quinientos cien ciento diez doce quince veinte
treinta cuarenta cincuenta gasto dos cuatro siete ocho nueve once trece catorce tenga tengáis hagáis
vengáis venir medir
"""
)

CATALAN = _split(
    """
perfecte perfecta genial adéu adeu clar entesos entès entes d'acord dimarts dimecres dijous gener
febrer març abril maig juny juliol agost setembre octubre novembre desembre mides entrega entregues
instal·lació instal·lar muntatge garantia finançament terminis targeta pagament factura disseny
dissenyador dissenyadora número pregunta interessat interessada treballeu treballen tardeu triga
trigueu obriu aneu passeu aviat sisplau molt bé bé també vostès vosaltres encarregar el la els les l
i o no de del dels al als a en un una uns unes amb per pel pels però perquè molt molts molta moltes
més menys aquest aquesta aquests aquestes això aixo aquí aqui allà ho hola bon bona bones dia tarda
nit vespre gràcies gracies merci mercès moltes adéu adeu siusplau sisplau plau tinc tenim tenen té
voldria voldríem voldriem vull volem volia volíem voliem necessito necessitem necessitaria busco
busquem buscant feu fem fan fer faig teniu podeu puc pot poden podria podríeu podrieu quant quants
quanta quantes costa costaria preu preus pressupost pressupostos cuina cuines armari armaris
encastat encastats moble mobles bany menjador habitació habitacio dormitori passadís passadis
llibreria prestatgeria mida metres quadrats lineals estic està esta estem és són sóc som sí ara demà
dema matí mati quan on què com horari botiga enviar catàleg cataleg trucar truqueu truca trucada
mòbil mobil correu setmana setmanes mes mesos any anys avui ahir també tambe doncs vosaltres vostè
vostre vostra meu meva meus meves teu teva seu seva nostre nostra he has ha hem heu seria
m'agradaria agradaria pis carrer nou nova nous noves només nomes ja veure visitar visita temps
informació informacio saber obriu obert tancat dissabte dissabtes diumenge diumenges dilluns
divendres mirant idees pressa urgent abans aviat millor possible ràpid rapid estil fusta blanc negre
mida llarg ample amplada alçada alcada fons em et ens us es algú alguna res tot tots totes cada
altre altra fins des sense segons després despres llavors aleshores tot perquè però cap gaire
d'acord dacord quin quina quines quins qui reformar canviar posar treure habitatge casa adreça
adreca cita comanda calaixos portes taulell illa gastar euros mil milió cinc-cents cent deu dotze
quinze vint trenta quaranta cinquanta dues quatre cinc sis vuit onze tretze catorze setze
m'interessa interessa vindre venir mesurar d'aquí d'una d'un l'any l'illa t'ho m'ho s'ha n'hi
"""
)

PORTUGUESE = _split(
    """
perfeito perfeita fixe ótimo otimo tchau xau até logo claro combinado entendi segunda-feira terça
terça-feira quarta quarta-feira quinta quinta-feira sexta-feira janeiro fevereiro março abril maio
junho julho agosto setembro outubro novembro dezembro medidas entrega entregas instalação instalacao
instalar montagem garantia financiamento prestações prestacoes parcelas parcelado cartão cartao
pagamento fatura design designer pergunta interessado interessada trabalham demora demoram fazem vêm
vem apê ape tô tou valeu obrigadão obrigadao legal massa show urgente urgência o os a as e de um uma
uns umas do da dos das no na nos nas ao aos à às pelo pela pelos pelas com em para pra pro por que
não nao sim é são sou somos estou estamos está esta estão estao tá ta tô olá ola oi bom boa bons
boas dia tarde noite obrigado obrigada obg brigado brigada valeu abraço tenho temos tem têm quero
queremos queria queríamos gostaria gostava preciso precisamos precisava procuro procurando fazem
fazer faço vocês voces você voce vc vcs podem posso pode poderia quanto quanta quantos custa
custaria custam preço preco preços orçamento orcamento orçamentos cozinha cozinhas roupeiro
roupeiros guarda-roupa guarda-roupas armário móvel movel móveis moveis banho banheiro casa-de-banho
sala quarto quartos estante estantes medida metros quadrados lineares mês meses ano anos semana
semanas hoje amanhã amanha ontem também tambem então entao depois ainda agora muito muita muitos
muitas mais mas meu minha meus minhas nosso nossa seu sua isso isto esse essa este aqui ali lá fazer
ver só so apenas ideias pesquisando pressa sem até ate antes bem tudo nada onde como quando qual
quais porque porquê planejado planejada planejados planejadas embutido embutidos favor né ne aí pq
tb tbm gente beleza loja horário catálogo ligar liguem ligue ligar-me telemóvel telemovel celular
número numero morada endereço endereco encomenda pedido gavetas portas bancada ilha lacado carvalho
madeira branco preto tamanho comprimento largura altura gastar reais euros mil milhão quinhentos cem
cento dez doze quinze vinte trinta quarenta cinquenta daqui próximo proximo próxima proxima rápido
rapido possível possivel estilo visitar visita tempo informação informacao informações saber abrem
aberto fechado sábado sabado domingo segunda sexta dois duas três quatro sete oito nove onze treze
catorze olhando vendo pesquisar fiz vou vamos vai vão vao ir medir vir venham lhe
"""
)

ENGLISH = _split(
    """
perfect great cool bye goodbye see sure got okay tuesday wednesday thursday january february march
april may june july august september october november december measurements measure delivery
installation install assembly warranty guarantee financing finance instalments installments card
payment pay invoice design designer question interested work working take takes long already lot
lots thank the a an and no or of to in on at for with from by is are am was were be been being do
does did you your yours we our ours us i i'm im i'd i've i'll we'd we're we've it it's its my me
mine this that these those have has had would could can will shall should may might like want wants
need needs needed looking look-for quote quotes price prices cost costs how much many what when
where which who why please pls plz thanks thank thx cheers hi hello hey good morning afternoon
evening night yes yeah yep nope not just only about around kitchen kitchens wardrobe wardrobes
bedroom bedrooms bathroom living room rooms made measure bespoke fitted built-in size square metres
meters next year years month months week weeks asap rush hurry browsing open opening shop store
visit call email phone number any some new old get give send there here them they he she if so but
also too very really still yet then than over under up down out into make makes let know free
available sunday sundays monday saturday saturdays friday weekend weekends tomorrow today would've
could've it'll there's that's what's don't dont doesn't can't cant won't wouldn't isn't aren't we'll
you're you'd they're flat house home apartment unit units shelves shelving bookcase bookshelves
bookshelf vanity desk office worktop island style modern classic rustic scandinavian traditional
contemporary farmhouse cupboard cupboards doors drawers white black oak wood timber spend spending
thousand hundred pounds dollars euros between least most maximum minimum max min tops roughly
approximately approx thinking interested wondering should're ideas idea info-pack catalogue catalog
brochure delivery deliver deliveries install installation fit fitting ago sooner soon later time
hours two three four five six seven eight nine
"""
)

LEXICON: dict[str, tuple[str, ...]] = {}
"""Raw word → the languages it belongs to; filled below from the four lists."""


def _build() -> None:
    """Merge the four word lists into LEXICON."""
    merged: dict[str, list[str]] = {}
    for language, words in (("es", SPANISH), ("ca", CATALAN), ("pt", PORTUGUESE), ("en", ENGLISH)):
        for word in words:
            langs = merged.setdefault(word, [])
            if language not in langs:
                langs.append(language)
    LEXICON.update({word: tuple(langs) for word, langs in merged.items()})


_build()
