<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Brücke über den Kanal wird saniert | Küstenbote</title>
<link rel="canonical" href="https://www.kuestenbote.de/article.php?id=4711">
<meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Brücke über den Kanal wird saniert", "datePublished": "2024-04-25T06:30:00+02:00", "author": {"@type": "Person", "name": "Hauke Petersen"}}</script>
</head>
<body>
<header class="kopf"><a class="logo" href="/">Küstenbote</a><nav><a href="/politik/">Politik</a> <a href="/lokales/kiel/">Kiel</a> <a href="/sport/">Sport</a> <a href="/thema/hafen">Hafen</a> <a href="/suche?q=">Suche</a></nav></header>
<main>
<article>
  <h1>Brücke über den Kanal wird saniert</h1>
  <p class="autor">Von Hauke Petersen</p>
  <div class="text">
    <p>Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht. Der Kreis will einen Teil der Summe aus Mitteln des Landes bezahlen. Im Sommer soll es eine weitere öffentliche Versammlung im Rathaus geben. Die Verwaltung stellte die Pläne am Dienstagabend im Ausschuss vor.</p>
    <p>Nach Angaben der Stadt soll die Arbeit im kommenden Frühjahr beginnen. Die Verwaltung stellte die Pläne am Dienstagabend im Ausschuss vor. Im Sommer soll es eine weitere öffentliche Versammlung im Rathaus geben. Vertreter der Wirtschaft begrüßten den Schritt als überfällig.</p>
    <p>Die Naturschutzverbände kündigten an, die Planung genau zu prüfen. Kritik kam aus der Opposition, die eine frühere Beteiligung der Bürger gefordert hatte. Vertreter der Wirtschaft begrüßten den Schritt als überfällig. Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht.</p>
    <p>Vertreter der Wirtschaft begrüßten den Schritt als überfällig. Nach Angaben der Stadt soll die Arbeit im kommenden Frühjahr beginnen. Anwohner hatten seit Monaten auf eine Entscheidung gewartet und zahlreiche Hinweise eingereicht. Der Kreis will einen Teil der Summe aus Mitteln des Landes bezahlen.</p>
  </div>
</article>
</main>
<footer class="fuss"><a href="/impressum">Impressum</a> <a href="/datenschutz">Datenschutz</a> <a href="/abo">Abo</a></footer>
</body>
</html>
