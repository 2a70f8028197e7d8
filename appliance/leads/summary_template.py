"""The HTML and CSS of the staff's PDF lead summary (WeasyPrint), kept in code so every install has it."""

from __future__ import annotations

# The footer's "page x / y" and the store's name come from CSS: counter(pages) is only known
# once laid out, and string-set copies the name without escaping it into a CSS string.
CSS = """
@page {
  size: A4;
  margin: 16mm 15mm 18mm;
  font-family: "DejaVu Sans", "Liberation Sans", sans-serif;
  @bottom-left { content: string(store); font-size: 8pt; color: #6b7280; }
  @bottom-right { content: PAGE_LABEL " " counter(page) " / " counter(pages); font-size: 8pt; color: #6b7280; }
}
:root { --primary: PRIMARY; --on-primary: ON_PRIMARY; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt; color: #1f2937; line-height: 1.35; }
.brand { background: var(--primary); color: var(--on-primary); padding: 10pt 14pt; border-radius: 4pt; }
.brand img { max-height: 36pt; max-width: 120pt; float: right; }
.brand .store { string-set: store content(text); font-size: 15pt; font-weight: bold; margin: 0; }
.brand .where { margin: 2pt 0 0; font-size: 8.5pt; }
h1 { font-size: 16pt; margin: 14pt 0 2pt; }
h2 { font-size: 11.5pt; color: var(--primary); border-bottom: 1pt solid var(--primary); padding-bottom: 2pt;
     margin: 14pt 0 6pt; }
.meta, .muted { color: #6b7280; }
.score { display: flex; gap: 16pt; align-items: flex-start; margin-top: 10pt; }
.badge { background: var(--primary); color: var(--on-primary); border-radius: 6pt; padding: 8pt 12pt;
         text-align: center; min-width: 70pt; }
.badge .number { font-size: 24pt; font-weight: bold; display: block; }
.badge .temperature { font-size: 9pt; text-transform: uppercase; letter-spacing: 0.5pt; }
table { border-collapse: collapse; }
table.facts th, table.breakdown th { text-align: left; font-weight: normal; color: #6b7280; padding: 2pt 10pt 2pt 0; }
table.facts td, table.breakdown td { padding: 2pt 0; }
table.breakdown caption { text-align: left; font-weight: bold; margin-bottom: 3pt; }
td.bar { width: 120pt; padding-right: 8pt; }
td.bar span { display: block; height: 6pt; background: var(--primary); border-radius: 3pt; }
td.points { text-align: right; white-space: nowrap; }
ul.appointments { padding-left: 14pt; margin: 0; }
.photos figure { display: inline-block; width: 112pt; margin: 0 6pt 6pt 0; vertical-align: top; }
.photos img { max-width: 112pt; max-height: 112pt; border: 0.5pt solid #ccc; }
.photos figcaption { font-size: 7pt; color: #666; overflow: hidden; }
.pill { border: 0.75pt solid #9ca3af; border-radius: 6pt; padding: 0 5pt; font-size: 8pt; color: #374151; }
.message { margin: 0 0 5pt; padding: 4pt 8pt; border-left: 2pt solid #d1d5db; page-break-inside: avoid; }
.message.visitor { border-left-color: var(--primary); background: #f3f4f6; }
.message .who { font-size: 8pt; color: #6b7280; margin: 0; }
.message .text { margin: 1pt 0 0; white-space: pre-wrap; }
"""

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ document_title }}</title>
<meta name="author" content="{{ store.name }}">
<style>{{ css }}</style>
</head>
<body>
<header class="brand">
  {% if store.logo %}<img src="{{ store.logo }}" alt="">{% endif %}
  <p class="store">{{ store.name }}</p>
  {% if store.where %}<p class="where">{{ store.where }}</p>{% endif %}
</header>

<h1>{{ t.title }}: {{ lead.name }}</h1>
<p class="meta">{{ t.received }}: {{ lead.received }} · {{ t.channel }}: {{ lead.channel }}
 · {{ t.language }}: {{ lead.language }} · {{ t.status }}: {{ lead.status }}</p>

<section class="score">
  <div class="badge">
    <span class="number">{{ lead.score }}</span>
    <span class="temperature">{{ lead.temperature }}</span>
  </div>
  <table class="breakdown">
    <caption>{{ t.score }} · {{ t.breakdown }}</caption>
    {% for row in breakdown %}
    <tr><th>{{ row.label }}</th><td class="bar"><span style="width: {{ row.width }}%"></span></td>
        <td class="points">{{ row.points }} / {{ row.weight }}</td></tr>
    {% endfor %}
  </table>
</section>

<h2>{{ t.looking_for }}</h2>
{% if facts %}
<table class="facts">
  {% for row in facts %}<tr><th>{{ row.label }}</th><td>{{ row.value }}</td></tr>{% endfor %}
</table>
{% else %}<p class="muted">{{ t.unknown }}</p>{% endif %}

{% if proposal %}
<h2>{{ t.proposal }}</h2>
<p class="proposal">{{ proposal.text }}</p>
<p class="muted">{{ t.proposal_by_model if proposal.source == "model" else t.proposal_by_template }}</p>
{% endif %}

<h2>{{ t.contact }}</h2>
{% if lead.erased %}<p class="muted">{{ t.erased }}</p>
{% else %}
<table class="facts">
  {% for row in contact %}<tr><th>{{ row.label }}</th><td>{{ row.value }}</td></tr>{% endfor %}
</table>
{% endif %}

{% if photos %}
<h2>{{ t.photos }}</h2>
<div class="photos">
  {% for p in photos %}
  <figure><img src="{{ p.src }}" alt="{{ p.name }}"><figcaption>{{ p.name }}</figcaption></figure>
  {% endfor %}
</div>
{% endif %}

<h2>{{ t.appointments }}</h2>
{% if appointments %}
<ul class="appointments">
  {% for a in appointments %}
  <li><strong>{{ a.service }}</strong> — {{ a.when }} <span class="pill">{{ a.status }}</span></li>
  {% endfor %}
</ul>
{% else %}<p class="muted">{{ t.no_appointments }}</p>{% endif %}

<h2>{{ t.transcript }}</h2>
{% for m in messages %}
<div class="message {{ m.role }}">
  <p class="who">{{ m.who }} · {{ m.time }}</p>
  {% if m.text %}<p class="text">{{ m.text }}</p>{% endif %}
  {% for a in m.attachments %}<p class="text muted">{{ t.attachment }}: {{ a }}</p>{% endfor %}
</div>
{% else %}<p class="muted">{{ t.no_messages }}</p>
{% endfor %}
</body>
</html>
"""
