// The widget's own few words; everything else comes from the server in the conversation language.
const KEYS = ['write', 'send', 'reconnecting', 'close', 'language', 'attach', 'uploading', 'badType', 'tooBig', 'skip', 'typing', 'chat', 'notSent', 'restart', 'tooLong', 'slide', 'tooMany'];

const WORDS = {
  en: ['Write a message', 'Send', 'Reconnecting…', 'Close', 'Language', 'Attach a photo or plan', 'Uploading…', 'That file is not a JPG, PNG or PDF', 'That file is larger than {n} MB', 'Skip', 'Typing…', 'Chat', 'Not sent. Please try again.', 'Start a new conversation', 'Your message is too long: {n} characters at most.', 'Slide to choose', 'Up to {n} files at a time'],
  es: ['Escribe un mensaje', 'Enviar', 'Reconectando…', 'Cerrar', 'Idioma', 'Adjunta una foto o un plano', 'Subiendo…', 'Ese archivo no es JPG, PNG ni PDF', 'Ese archivo ocupa más de {n} MB', 'Omitir', 'Escribiendo…', 'Chat', 'No se ha enviado. Inténtalo de nuevo.', 'Empezar una conversación nueva', 'Tu mensaje es demasiado largo: como máximo {n} caracteres.', 'Desliza para elegir', 'Como máximo {n} archivos a la vez'],
  ca: ['Escriu un missatge', 'Envia', 'Reconnectant…', 'Tanca', 'Idioma', 'Adjunta una foto o un plànol', 'Pujant…', 'Aquest fitxer no és JPG, PNG ni PDF', 'Aquest fitxer ocupa més de {n} MB', 'Omet', 'Escrivint…', 'Xat', "No s'ha enviat. Torna-ho a provar.", 'Començar una conversa nova', 'El teu missatge és massa llarg: com a màxim {n} caràcters.', 'Llisca per triar', 'Com a màxim {n} fitxers alhora'],
  pt: ['Escreva uma mensagem', 'Enviar', 'A restabelecer a ligação…', 'Fechar', 'Idioma', 'Anexe uma foto ou uma planta', 'A enviar…', 'Esse ficheiro não é JPG, PNG nem PDF', 'Esse ficheiro tem mais de {n} MB', 'Saltar', 'A escrever…', 'Chat', 'Não foi enviada. Tente novamente.', 'Começar uma nova conversa', 'A sua mensagem é demasiado longa: no máximo {n} caracteres.', 'Deslize para escolher', 'No máximo {n} ficheiros de cada vez'],
};

export const NAMES = { es: 'Español', ca: 'Català', pt: 'Português', en: 'English' };

export const known = (lang) => (lang && WORDS[lang.slice(0, 2).toLowerCase()] ? lang.slice(0, 2).toLowerCase() : null);

export const words = (lang) => {
  const list = WORDS[known(lang) || 'en'];
  return (key, n) => list[KEYS.indexOf(key)].replace('{n}', n);
};
