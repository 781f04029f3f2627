<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Neues Museum am Hafen eröffnet | Küstenbote</title>
<link rel="canonical" href="https://www.kuestenbote.de/kultur/neues-museum-am-hafen-eroeffnet.php">
<meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Neues Museum am Hafen eröffnet", "datePublished": "2024-04-23T12:00:00+02:00", "author": {"@type": "Person", "name": "Anke Jessen"}}</script>
</head>
<body>
<header class="kopf"><a class="logo" href="/">Küstenbote</a><nav><a href="/politik/">Politik</a> <a href="/lokales/kiel/">Kiel</a> <a href="/sport/">Sport</a> <a href="/thema/hafen">Hafen</a> <a href="/suche?q=">Suche</a></nav></header>
<main>
<article>
  <h1>Neues Museum am Hafen eröffnet</h1>
  <p class="autor">Von Anke Jessen</p>
  <div class="text">
    <p>Vertreter der Wirtschaft begrüßten den Schritt als überfällig. Die Kosten liegen nach einer ersten Schätzung bei rund vier Millionen Euro. Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht. Kritik kam aus der Opposition, die eine frühere Beteiligung der Bürger gefordert hatte.</p>
    <p>Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht. Nach Angaben der Stadt soll die Arbeit im kommenden Frühjahr beginnen. Kritik kam aus der Opposition, die eine frühere Beteiligung der Bürger gefordert hatte. Im Sommer soll es eine weitere öffentliche Versammlung im Rathaus geben.</p>
    <p>Die Kosten liegen nach einer ersten Schätzung bei rund vier Millionen Euro. Der Kreis will einen Teil der Summe aus Mitteln des Landes bezahlen. Nach Angaben der Stadt soll die Arbeit im kommenden Frühjahr beginnen. Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht.</p>
    <p>Der Kreis will einen Teil der Summe aus Mitteln des Landes bezahlen. Nach Angaben der Stadt soll die Arbeit im kommenden Frühjahr beginnen. Die Kosten liegen nach einer ersten Schätzung bei rund vier Millionen Euro. Vertreter der Wirtschaft begrüßten den Schritt als überfällig.</p>
  </div>
</article>
</main>
<footer class="fuss"><a href="/impressum">Impressum</a> <a href="/datenschutz">Datenschutz</a> <a href="/abo">Abo</a></footer>
</body>
</html>
