"""Phrase banks of the demo source: French and English posts, replies and news about operators."""

# Templates are str.format strings whose slots collectors.demo fills on demand: {b} the brand as
# people write it, {b2} a second brand, {bf} the brand's plan ("le forfait Ciel"), {p}/{p2} a
# product of each, {bad}/{bad2} a problem and {good}/{good2} a compliment on the item's topic,
# {q} a question about it, {w} the topic's word, {neg}/{pos} a remark, {nadj}/{padj} an
# adjective, {en}/{ep}/{eq} an emoji (or nothing), and {n}, {dur}, {city}, {price}, {gb}, {day},
# {hours}, {user}. A capitalised slot ({Bad}, {Neg}…) is the same kind of value with its first
# letter upper-cased, for the start of a sentence.
#
# Negative and positive phrases use words the VADER lexicons (English and French) score that
# way. Traps avoided on purpose: French VADER reads "frais" (fees) as fresh, "prix" (price) as a
# prize, "prise" (socket) as taken, "douce" as sweet, and "simple" as negative; English VADER
# scores "support", "help", "please", "lol" and "honestly" positive. Both flip the sign of a word
# within three words after a negator ("sans", "jamais", "plus", "rien", "pas"; "no", "never",
# "without", "despite", "can't"), so phrases never end on one before a remark.

from __future__ import annotations

TOPICS = ("reseau", "fibre", "prix", "service", "appli", "box", "roaming", "resiliation")

FR: dict = {
    "topics": {
        "reseau": {
            "w": ("le réseau", "la 5G", "la couverture", "le débit mobile", "la 4G"),
            "bad": (
                "aucune barre de réseau depuis ce matin", "un débit catastrophique le soir",
                "des appels coupés en permanence", "une 5G qui décroche toutes les cinq minutes",
                "zéro réseau dans le métro", "une couverture pourrie dès qu'on sort de la ville",
                "un débit minable en pleine journée",
                "des SMS qui arrivent avec trois heures de retard",
                "une 4G inutilisable aux heures de pointe",
                "un réseau instable dans tout le quartier",
                "des appels qui coupent au bout de deux minutes", "une 5G fantôme, introuvable",
            ),
            "good": (
                "un réseau impeccable même en montagne", "une 5G parfaite partout en ville",
                "un débit de fou, 800 Mb/s", "une couverture stable et fiable à la campagne",
                "zéro coupure en six mois, excellent", "une 4G stable même dans le TGV",
                "des appels d'une qualité parfaite", "un réseau stable jusque dans le parking",
                "un débit excellent même aux heures de pointe",
            ),
            "q": (
                "capte bien dans le métro", "couvre correctement les zones rurales",
                "a déjà la 5G à {city}", "propose les appels en wifi",
                "bride le débit après le quota",
                "passe bien en montagne", "utilise ses propres antennes ou celles d'un autre",
            ),
        },
        "fibre": {
            "w": ("la fibre", "le raccordement", "l'installation fibre", "le débit fibre"),
            "bad": (
                "un raccordement fibre repoussé pour la quatrième fois",
                "un technicien absent à chaque rendez-vous",
                "une fibre coupée depuis {n} jours", "un débit fibre divisé par dix le soir",
                "trois rendez-vous d'installation annulés",
                "une ligne fibre morte depuis le passage du technicien",
                "un câble arraché dans la rue et personne pour réparer",
                "une installation bâclée et un boîtier cassé",
            ),
            "good": (
                "une installation fibre parfaite, réglée en une heure",
                "un technicien super aimable et efficace",
                "un débit fibre parfait, 2 Gb/s en descendant",
                "une mise en service rapide et efficace",
                "un raccordement fait en trois jours, formidable",
                "une fibre stable depuis deux ans",
                "un technicien compétent et souriant",
            ),
            "q": (
                "raccorde les immeubles anciens", "fait payer les frais de raccordement",
                "propose la fibre 8 Gb/s", "installe la fibre en moins d'un mois à {city}",
                "passe par les poteaux ou en souterrain", "fournit une IP fixe avec la fibre",
            ),
        },
        "prix": {
            "w": ("les tarifs", "la facture", "le rapport qualité/prix", "les promos"),
            "bad": (
                "une hausse de {n} € sur la facture, du jour au lendemain",
                "des coûts cachés partout sur la facture",
                "une promo qui disparaît au bout de six mois", "une facture doublée ce mois-ci",
                "des options payantes activées dans mon dos",
                "des tarifs qui grimpent tous les ans",
                "des frais de dossier abusés", "un prélèvement en double que j'attends encore",
            ),
            "good": (
                "un tarif imbattable et avantageux pour {gb} Go",
                "un excellent forfait à {price} €, résiliable à tout moment",
                "une facture claire et lisible, parfait", "un tarif bloqué à vie, idéal",
                "le meilleur rapport qualité/prix du marché", "une promo vraiment avantageuse",
                "un geste commercial super appréciable",
            ),
            "q": (
                "augmente ses tarifs en janvier", "fait encore la promo à {price} €",
                "rembourse les frais de mise en service", "applique des frais de résiliation",
                "propose des réductions pour les étudiants", "fait payer la carte SIM",
            ),
        },
        "service": {
            "w": ("le service client", "le SAV", "la hotline", "le support"),
            "bad": (
                "un service client injoignable", "{n} heures d'attente au téléphone",
                "un conseiller incompétent qui raccroche",
                "des réponses copier-coller et zéro solution",
                "un chat qui tourne en boucle", "un SAV inexistant",
                "des conseillers qui se contredisent",
                "un dossier perdu pour la troisième fois",
                "une réclamation ignorée depuis {n} semaines",
            ),
            "good": (
                "un service client super réactif", "une conseillère aimable et compétente",
                "un SAV efficace, problème réglé en dix minutes", "un chat clair et rapide",
                "un conseiller patient et vraiment agréable",
                "une réponse en moins d'une heure, bravo",
                "un suivi sérieux et efficace de ma réclamation",
            ),
            "q": (
                "répond aussi sur WhatsApp", "a un service client le dimanche",
                "rappelle vraiment quand on demande un rappel", "a une boutique à {city}",
                "a un numéro gratuit pour la hotline", "répond en anglais au téléphone",
            ),
        },
        "appli": {
            "w": ("l'appli", "l'eSIM", "l'espace client", "l'application"),
            "bad": (
                "une appli qui plante à chaque mise à jour", "une eSIM impossible à activer",
                "un espace client bloqué depuis {n} jours", "une appli lente et buggée",
                "un QR code eSIM toujours refusé", "une double authentification cassée",
                "des factures introuvables dans l'espace client",
            ),
            "good": (
                "une appli claire et pratique, excellent",
                "une eSIM activée en deux minutes, parfait",
                "un espace client enfin agréable", "une appli vraiment réussie",
                "un suivi de conso facile et clair", "une eSIM transférée en deux minutes, génial",
            ),
            "q": (
                "propose l'eSIM sur iPhone", "permet de suivre sa conso dans l'appli",
                "gère la double SIM", "permet de changer de forfait depuis l'appli",
                "envoie les factures par mail", "accepte l'eSIM sur les montres connectées",
            ),
        },
        "box": {
            "w": ("la box", "le wifi", "le décodeur TV", "la TV"),
            "bad": (
                "une box qui redémarre toute seule la nuit",
                "un wifi qui décroche dans toutes les pièces",
                "un décodeur TV qui freeze en plein match", "une box en panne et un échange refusé",
                "un wifi pourri à trois mètres de la box",
                "une télécommande cassée au bout d'un mois",
                "des chaînes qui disparaissent du jour au lendemain",
            ),
            "good": (
                "une box silencieuse et un wifi excellent partout", "un décodeur rapide, enfin",
                "une box facile à installer, parfait", "un wifi 7 vraiment solide et stable",
                "une interface TV agréable et réactive",
                "une box magnifique, le wifi est excellent",
            ),
            "q": (
                "fournit un répéteur wifi", "a le wifi 7 sur sa nouvelle box",
                "permet de changer les DNS de la box", "inclut Netflix dans l'offre TV",
                "reprend l'ancienne box gratuitement", "propose le replay sur toutes les chaînes",
            ),
        },
        "roaming": {
            "w": ("l'itinérance", "le roaming", "la data à l'étranger", "l'option voyage"),
            "bad": (
                "des surcoûts d'itinérance délirants après un voyage",
                "aucun réseau à l'étranger malgré l'option",
                "un hors forfait de {n}0 € après un week-end à Londres",
                "une data bloquée en Espagne du jour au lendemain",
                "un roaming inutilisable au Maroc",
            ),
            "good": (
                "une itinérance parfaite pendant tout le voyage",
                "la data incluse dans {n}0 pays, génial",
                "un roaming excellent et clair", "la 5G qui marche même à New York, formidable",
                "une option voyage vraiment avantageuse",
            ),
            "q": (
                "inclut le Royaume-Uni dans le forfait", "marche bien au Canada",
                "facture la data en Suisse", "a une option voyage pour les États-Unis",
                "coupe la data automatiquement à l'étranger",
            ),
        },
        "resiliation": {
            "w": ("la résiliation", "la portabilité", "le changement d'opérateur", "le code RIO"),
            "bad": (
                "une résiliation ignorée depuis {n} semaines",
                "des prélèvements qui continuent après la résiliation",
                "un code RIO refusé à chaque essai",
                "une portabilité ratée et un numéro perdu pendant {n} jours",
                "des frais de résiliation abusés", "une box à renvoyer à mes frais, scandaleux",
            ),
            "good": (
                "une portabilité efficace, faite en 24h",
                "une résiliation rapide et efficace, bravo",
                "un numéro conservé, parfait", "un changement d'opérateur facile et rapide",
            ),
            "q": (
                "rembourse le dernier mois après résiliation",
                "garde le numéro en cas de portabilité",
                "facture des frais si on part avant un an", "reprend la box en boutique",
            ),
        },
    },
    "neg": (
        "c'est honteux", "c'est inadmissible", "c'est une honte", "service lamentable",
        "je suis furieuse", "j'en ai marre", "c'est inacceptable", "la pire expérience de ma vie",
        "c'est une arnaque", "quelle catastrophe", "c'est scandaleux", "c'est insupportable",
        "c'est minable", "franchement je suis furieux", "je suis en colère", "un enfer",
        "quel désastre",
        "des incompétents", "c'est déplorable", "c'est abusé", "un vrai fiasco",
        "je regrette d'avoir signé", "je me sens arnaqué", "c'est frustrant", "je suis écoeuré",
        "c'est désespérant", "c'est vraiment mauvais", "c'est pourri", "je suis exaspérée",
        "trop c'est trop, c'est honteux", "c'est chiant à la fin", "c'est inadmissible, point",
        "jen ai marre",
        "on nous prend pour des voleurs", "c'est la honte", "c'est de pire en pire, lamentable",
    ),
    "nadj": (
        "lamentable", "minable", "catastrophique", "déplorable", "honteux", "une honte",
        "de pire en pire", "insupportable", "pourri", "une catastrophe", "vraiment mauvais",
    ),
    "pos": (
        "je recommande", "excellent, franchement", "bravo à eux", "très satisfait",
        "excellent rapport qualité/prix", "que du bonheur", "je suis ravie", "un vrai plaisir",
        "top du top, merci", "franchement efficace", "le meilleur opérateur que j'ai eu",
        "je suis impressionnée", "ça fait plaisir", "parfait", "génial, merci", "super efficace",
        "heureux d'avoir changé", "formidable", "une vraie réussite", "très contente",
        "je suis satisfaite", "bravo", "excellent service", "merci à eux", "je recommande à 100 %",
    ),
    "padj": (
        "excellent", "top", "génial", "parfait", "le meilleur", "formidable", "remarquable",
        "vraiment efficace", "une réussite", "impeccable et efficace",
    ),
    "en": (" 😡", " 🤬", " 🙄", " 😤", " 😩", " 🤡", "", "", "", ""),
    "ep": (" 😍", " 👍", " 🙌", " 🔥", " 😊", " 👌", " 💪", "", "", ""),
    "eq": (" 🤔", " 😅", " 🙏", "", "", "", ""),
    "open_neg": (
        "Petit coup de gueule.", "Bon.", "Alors voilà.", "Je craque.", "Besoin de râler.",
        "Sérieux…", "Salut à tous.", "Désolé pour le pavé.", "Retour d'expérience.",
    ),
    "open_pos": (
        "Petit retour positif pour changer.", "Hello tout le monde !", "Ça mérite d'être dit.",
        "Pour une fois que tout se passe bien.", "Salut !", "Retour d'expérience.",
    ),
    "open_q": (
        "Bonjour à tous,", "Hello,", "Salut la commu,", "Question rapide !", "Bonsoir,",
        "Petite question.", "Je me permets de demander ici.",
    ),
    "close_neg": (
        "Bref.", "Je vais résilier.", "Dernière fois que je signe chez eux.",
        "Edit : toujours rien.",
        "Vous avez des recours à conseiller ?", "Je vais saisir le médiateur.", "Voilà voilà…",
        "Fuyez.", "Je suis à bout.",
    ),
    "close_pos": (
        "Bref, je recommande.", "Voilà, c'était mon petit retour positif.", "Ça change !",
        "Merci à l'équipe.", "Très bon choix.", "Bonne soirée à tous !",
    ),
    "close_q": (
        "Merci d'avance !", "Merci 🙏", "Toute info est la bienvenue.", "Bonne journée.",
        "Merci pour vos retours.", "D'avance merci.",
    ),
    "complaint": (
        "{b} : {bad}. {Neg}.{en}", "Ça fait {n} jours que j'ai {bad} avec {b}, {neg}.",
        "Encore {bad} chez {b}… {Neg}.{en}", "Chez {b} c'est {bad} et {bad2}. {Neg}.",
        "Je suis chez {b} depuis {dur} et franchement {neg} : {bad}.",
        "Qui d'autre a {bad} avec {b} en ce moment ? {Neg}.{en}",
        "Sérieusement {b}, {bad} ?! {Neg}.",
        "Client {b} depuis {dur}, et voilà : {bad}. {Neg}.",
        "{b} m'a encore fait le coup : {bad}. {Neg}.{en}",
        "Troisième appel cette semaine pour {bad}, {b} c'est vraiment {nadj}.",
        "Bilan du mois avec {b} : {bad}, {bad2}, et franchement {neg}.",
        "Petit coup de gueule contre {b} : {bad}. {Neg}.",
        "Vivement la fin de mon engagement chez {b}, {bad} à répétition, {neg}.",
        "Je déconseille {b} à tout le monde : {bad}. {Neg}.{en}", "{Bf} ? {Bad}, {neg}.",
        "Avec {p} j'ai {bad}, {neg}.", "J'ai {bad} depuis {day} avec {b}. {Neg}.",
        "{b} c'est {nadj} : {bad}. {Neg}.", "Depuis que je suis chez {b}, {bad}. {Neg}.{en}",
        "Mes parents sont chez {b} et ils ont {bad}. {Neg}.",
        "Chez {b} on a droit à {bad}, et en prime {bad2}. {Neg}.",
    ),
    "complaint_title": (
        "{b} : {bad}", "Coup de gueule contre {b}", "{b}, c'est fini pour moi",
        "Problème avec {b}, {neg}", "Ras-le-bol de {b}", "[Réclamation] {Bad}",
        "{Bad} chez {b}, normal ?", "{b} = {nadj}", "Encore un souci avec {b}",
        "Mon expérience avec {b} : {nadj}",
    ),
    "praise": (
        "Très contente de {b} : {good}. {Pos}.{ep}", "Passé chez {b} il y a {dur}, {good}, {pos}.",
        "Petit retour positif sur {b} : {good}.{ep}", "Je recommande {b} : {good} et {good2}.",
        "Franchement {b} c'est {padj}, {good}.", "Après {dur} chez {b}, toujours {good}. {Pos}.",
        "Avec {p}, {good}. {Pos}.", "Je ne m'attendais à rien et {b} m'a bluffé : {good}. {Pos}.",
        "Mention spéciale à {b} pour {good}, {pos}.", "Bravo {b}, {good}.{ep}",
        "{Bf} : {good}, {pos}.", "Nouvelle cliente {b} et pour l'instant {good}. {Pos}.",
        "Je suis chez {b} depuis {dur} : {good}, {good2}. {Pos}.{ep}",
        "Honnêtement {b} mérite plus de pub : {good}. {Pos}.",
        "Franchement {b} est sous-coté : {good}. {Pos}.",
    ),
    "praise_title": (
        "Retour positif sur {b}", "{b}, très contente", "Bravo {b}", "{b} : {good}",
        "Enfin un opérateur efficace : {b}", "Satisfait de {b} après {dur}", "{Good} chez {b} !",
    ),
    "question": (
        "Quelqu'un sait si {b} {q} ?", "Est-ce que {b} {q} ?",
        "Je compte passer chez {b}. Est-ce que l'opérateur {q} ?",
        "Des abonnés {b} ici ? Je voudrais savoir si l'opérateur {q}.",
        "Vous êtes satisfaits de {b} pour {w} ?", "Petite question : {b} {q} ?{eq}",
        "Je cherche un avis sur {p}, quelqu'un a testé ?",
        "Hello, quelqu'un sait si {b} {q} ? J'ai rien trouvé sur leur site.",
        "On m'a dit que {b} {q}, c'est vrai ?", "Question bête mais {b} {q} ?",
        "Vous savez si {b} {q} ? Je suis à {city}.", "Quelqu'un a des infos sur {w} chez {b} ?",
        "Ma mère hésite à prendre {p}, quelqu'un sait si {b} {q} ?",
    ),
    "question_title": (
        "Question sur {b}", "{b} {q} ?", "Avis sur {p} ?", "{b} et {w}", "Besoin d'infos sur {b}",
        "[Question] {b}", "Quelqu'un chez {b} ?",
    ),
    "versus": (
        "{b} ou {b2} pour {w} ? J'hésite.", "J'hésite entre {b} et {b2}, vous me conseillez quoi ?",
        "Comparatif {b} vs {b2} sur {w}, vos avis ?",
        "Plutôt {b} ou {b2} quand on habite à {city} ?",
        "Je dois choisir entre {p} et {p2}, des retours ?",
    ),
    "versus_title": (
        "{b} ou {b2} ?", "{b} vs {b2}", "Hésitation {b} / {b2}", "Conseil : {b} ou {b2}",
    ),
    "compare": (
        "J'ai quitté {b2} pour {b} il y a {dur}. Chez {b2} c'était {bad}, {neg}. Avec {b} : "
        "{good}, {pos}.",
        "{b2}, c'est fini pour moi : {bad}. Je suis chez {b} maintenant et {good}. {Pos}.",
        "Comparé à {b2} et {bad}, {b} c'est le jour et la nuit. Avec {b} : {good}, {pos}.",
        "Mon conseil : fuyez {b2}, {bad}, {neg}. {b} est {padj}, {good}.",
        "Ma copine est chez {b2} et galère avec {bad}, {neg}. Moi chez {b} : {good}.{ep}",
        "Changement d'opérateur terminé. Adieu {b2} et {bad}, {neg}. Bonjour {b} et {good} !",
        "Chez {b2} j'avais {bad}, c'était {nadj}. Depuis {b}, {good}. {Pos}.",
    ),
    "compare_title": (
        "De {b2} à {b} : aucun regret", "{b} > {b2}", "Adieu {b2}, bonjour {b}",
        "Mon passage de {b2} à {b}",
    ),
    "chat": (
        "Je suis chez {b} depuis {dur}, rien de spécial à signaler.",
        "Reçu {p} aujourd'hui, on verra à l'usage.",
        "{b} vient de m'envoyer un SMS pour une nouvelle option, quelqu'un l'a prise ?",
        "Vu la nouvelle pub {b} dans le métro, ils changent de slogan.",
        "Rendez-vous {day} avec le technicien {b} pour {w}.",
        "Bon, je passe chez {b} la semaine prochaine, je vous dirai.",
        "{b} a mis à jour ses conditions générales, faudrait que je les lise.",
        "Quelqu'un a remarqué que {b} a changé son logo ?",
        "Passé à la boutique {b} de {city} cet aprem, il y avait du monde.",
        "Mes parents viennent de prendre {p}.", "{b} fête ses {n} ans cette année apparemment.",
        "Pour ceux que ça intéresse, {b} publie sa carte de couverture 5G mise à jour.",
        "Mon fils veut {p}, je regarde ce que propose {b}.",
        "Je teste {p} depuis {day}, je ferai un retour.",
        "{b} sponsorise le match de ce soir, vu le logo partout.",
    ),
    "chat_title": (
        "{b}", "Nouveauté chez {b}", "{p}", "Info {b}", "Discussion {b}", "{b} : on en parle ?",
    ),
    # Replies: {user} is the author of the post answered.
    "answer_yes": (
        "Oui, {b} {q}, je l'ai fait le mois dernier.", "Oui, ça marche chez {b}, j'ai testé {day}.",
        "Il me semble que oui, regarde dans l'appli {b} rubrique Mes options.",
        "Chez moi {b} le fait depuis {dur}, aucun souci.",
        "Je confirme, {b} {q}. Par contre faut appeler.",
        "Oui {user}, {b} {q} depuis le début de l'année.",
    ),
    "answer_no": (
        "Non, pas à ma connaissance. {b} ne le fait pas encore.",
        "Aux dernières nouvelles non, mais {b2} le fait.",
        "J'ai posé la question au service client {b}, ils m'ont dit que non pour l'instant.",
        "Malheureusement non, {b} ne le propose pas.",
    ),
    "answer_maybe": (
        "Ça dépend des zones je crois, regarde la carte de couverture de {b}.",
        "Aucune idée, mais le chat {b} répond assez vite normalement.",
        "Je crois que ça dépend du forfait, chez {b} c'est écrit dans la fiche tarifaire.",
        "Essaie de demander directement à @{handle}, ils répondent parfois.",
    ),
    "official": (
        "Bonjour {user}, ici l'équipe {b} 👋 Oui, {b} {q}. N'hésitez pas à nous écrire en message "
        "privé si besoin.",
        "Bonjour {user}, merci pour votre message. Pouvez-vous nous envoyer votre numéro de ligne "
        "en message privé ? Nous regardons cela tout de suite. L'équipe {b}",
        "Hello {user} ! C'est l'équipe {b}. Bonne nouvelle : {b} {q}. Tout est expliqué dans "
        "l'appli, rubrique Aide.",
        "Bonjour {user}, l'équipe {b} a bien noté votre demande. Un conseiller vous rappelle dans "
        "la journée.",
    ),
    "official_sorry": (
        "Bonjour {user}, l'équipe {b} est désolée pour ce souci. Envoyez-nous votre numéro de "
        "ligne en message privé, on s'en occupe.",
        "Bonjour {user}, nous comprenons votre agacement. Un conseiller {b} va vous recontacter "
        "aujourd'hui.",
    ),
    "agree_neg": (
        "Pareil ici, {bad} chez {b} depuis {dur}. {Neg}.",
        "+1, chez moi aussi {b} c'est {bad}… {Neg}.",
        "Même galère avec {b} à {city}, {neg}.", "Ah, toi aussi ? {b} c'est {nadj} en ce moment.",
        "Idem, {neg}. {b} se moque de ses clients, c'est honteux.",
        "Pareil pour moi, {bad}. {b} c'est {nadj}, {neg}.",
        "Même galère. {b} : {bad}, et des conseillers incompétents. {Neg}.",
    ),
    "counter": (
        "Chez moi {b} c'est {good}, {pos}.", "Perso très contente de {b} : {good}.",
        "Ça doit dépendre des zones, moi à {city} {b} c'est {padj}.",
        "Étonnant, chez {b} j'ai {good}. {Pos}.",
    ),
    "suggest": (
        "Passe chez {b2}, {good}, {pos}.",
        "Franchement va voir chez {b2}, moi j'y suis depuis {dur} : {good}, {pos}.",
        "Moi je suis passé chez {b2} : {good}. {Pos}.", "Regarde {b2}, {good}, je recommande.",
    ),
    "agree_pos": (
        "Pareil, très contente de {b}, {good}.", "Confirmé, {b} c'est {padj}, {pos}.",
        "Je confirme, {good} chez {b} aussi, {pos}.", "Idem, très contente de {b}, {pos}.{ep}",
    ),
    "skeptic": (
        "Attends la première facture chez {b}… Chez moi c'était {bad}. {Neg}.",
        "Profite tant que ça dure, {b} m'a fait le coup : {bad}. {Neg}.",
        "Hmm. Chez {b} j'ai eu {bad}. {Neg}.",
    ),
    "followup": (
        "Tu paies combien chez {b} ?", "Tu es à {city} ? Chez {b} c'est comment là-bas ?",
        "C'est {p} que tu as pris ?", "Tu es chez {b} depuis combien de temps ?",
    ),
    "neutral_reply": (
        "Ça dépend vraiment des zones, {b} est correct à {city} en tout cas.",
        "Je suis chez {b} aussi, rien à signaler de mon côté.",
        "Chez {b} il faut passer par le chat pour ça, le téléphone c'est long.",
        "Il y a un sujet là-dessus sur le forum {b}, cherche un peu.",
    ),
    "filler": (
        "+1", "Merci pour l'info !", "Pareil.", "Je suis le sujet.", "Idem 😅", "Ah mince.",
        "Intéressant, merci.", "Pas mieux.", "Ça m'intéresse aussi.", "Up !", "Des nouvelles ?",
        "Je me pose la même question.", "Ah ok, je savais pas.",
    ),
    # Outage of one operator: the bad-buzz event.
    "outage_bad": (
        "une panne totale du réseau depuis ce matin", "une panne générale du réseau mobile",
        "la fibre et le mobile en panne en même temps",
        "zéro internet depuis {hours} à cause de la panne",
        "impossible d'appeler, même les urgences", "une panne monstre dans tout le pays",
        "zéro barre, zéro internet, le néant", "une coupure totale depuis {hours}",
    ),
    "outage_post": (
        "Panne chez {b} ? {Bad} à {city}. {Neg}. #orbisdown",
        "Toujours {bad} chez {b}, c'est inadmissible. #orbisdown",
        "{b} en panne depuis {hours}, aucune info, {neg}.",
        "Grosse panne {b} en cours : {bad}. Le service client est injoignable, c'est honteux.",
        "Vous aussi {bad} avec {b} ? {Neg}.",
        "Panne {b} : j'ai perdu une journée de boulot, {neg}. J'exige un dédommagement.",
        "{hours} sans réseau chez {b}, et pas un mot d'excuse. {Neg}.{en}",
        "Le télétravail avec la panne {b} c'est un enfer. {Neg}.",
        "Panne {b} : {bad}, {neg}. #orbisdown{en}",
        "Ma mère ne peut même plus appeler son médecin, panne {b} depuis {hours}. {Neg}.",
    ),
    "outage_title": (
        "Panne {b} en cours ?", "[Panne] Plus de réseau chez {b} à {city}", "{b} down partout ?",
        "Énorme panne {b} : vous aussi ?", "Dédommagement après la panne {b} ?",
        "#orbisdown, ça dure encore ?",
    ),
    "outage_question": (
        "Quelqu'un sait quand {b} va rétablir le réseau ? Toujours rien à {city}.",
        "Est-ce que {b} va dédommager après la panne ?",
        "La panne {b} touche aussi la fibre chez vous ?",
    ),
    "outage_reply": (
        "Pareil à {city}, coupé depuis {hours}, c'est honteux. #orbisdown",
        "Toujours coupé ici… {Neg}. #orbisdown",
        "Ça revient doucement à {city}, mais le débit est catastrophique après la panne.",
        "{b} annonce la fin de la panne ce soir, on verra. En attendant c'est inadmissible.",
        "Moi j'ai résilié {b} après cette panne. {Neg}.", "Même panne chez {b} ici, {neg}.",
    ),
    "outage_news_title": (
        "Panne massive chez {b} : des millions d'abonnés privés de réseau",
        "{b} : le réseau mobile toujours perturbé, l'opérateur s'excuse",
        "Panne {b} : l'origine serait une mise à jour logicielle ratée",
        "Après la panne, {b} promet un dédommagement à ses clients",
        "Panne {b} : le gouvernement convoque l'opérateur",
    ),
    "outage_news": (
        "Depuis {day}, de nombreux abonnés {b} sont privés de réseau mobile et fixe : une panne "
        "catastrophique.",
        "Les appels d'urgence ont été perturbés dans plusieurs régions, une situation jugée "
        "inacceptable par les associations.",
        "L'opérateur évoque un incident sur un équipement cœur de réseau.",
        "Sur les réseaux sociaux, le mot-clé #orbisdown est en tête des tendances et la colère "
        "monte.",
        "Un porte-parole de {b} indique qu'un dédommagement sera proposé aux clients touchés.",
        "Les concurrents, dont {b2}, disent ne constater aucune perturbation sur leurs réseaux.",
        "C'est la pire panne subie par un opérateur français depuis des années.",
    ),
    # Launch of our brand's new offer.
    "launch_good": (
        "un débit de 2 Gb/s dès le premier jour", "une box magnifique et silencieuse",
        "la 5G illimitée incluse, génial", "une installation réglée en une heure",
        "une offre claire, enfin", "un tarif excellent pour la fibre et le mobile",
    ),
    "launch_post": (
        "Je viens de commander l'Opalia One, hâte de la recevoir ! {Pos}.{ep}",
        "{b} lance l'Opalia One : 5G + fibre à 39,99 €, {pos}.",
        "Installée ce matin, l'Opalia One c'est {padj} : {good}.",
        "Enfin une offre claire chez {b} avec l'Opalia One, bravo.",
        "Le lancement de l'Opalia One est une réussite : {good}.{ep}",
        "Passé à l'Opalia One, {good}. {Pos}.", "L'Opalia One de {b} : {good} et {good2}. {Pos} !",
        "Nouvelle offre Opalia One testée : {good}, {pos}.",
    ),
    "launch_question": (
        "Quelqu'un a déjà reçu l'Opalia One ? Ça vaut le coup ?",
        "L'Opalia One de {b} est dispo à {city} ?",
        "Est-ce que l'Opalia One inclut la TV ?",
        "Les anciens clients {b} peuvent passer à l'Opalia One ?",
    ),
    "launch_neg": (
        "L'Opalia One à 39,99 € ? Trop cher pour ce que c'est, franchement décevant.",
        "Précommande de l'Opalia One annulée sans explication par {b}, {neg}.",
        "Livraison de l'Opalia One repoussée deux fois, {b} c'est {nadj}.",
    ),
    "launch_title": (
        "Opalia One : premier retour", "[Lancement] Opalia One, vos avis ?",
        "L'Opalia One est arrivée !",
        "{b} lance l'Opalia One", "Opalia One, ça vaut le coup ?",
    ),
    "launch_reply": (
        "Commandée aussi ! Livraison prévue {day}.", "Reçue hier, {good}. {Pos}.",
        "Je reste chez {b2} pour l'instant, mais l'Opalia One fait envie.",
        "Pareil, l'Opalia One c'est {padj}.",
    ),
    "teaser": (
        "Des rumeurs sur une nouvelle offre {b} la semaine prochaine, quelqu'un a des infos ?",
        "{b} tease un gros lancement sur ses réseaux, ça sent la nouvelle box.",
        "Il paraît que {b} prépare une offre 5G + fibre, vous en savez plus ?",
    ),
    "launch_news_title": (
        "{b} lance l'Opalia One, une offre 5G et fibre à 39,99 € par mois",
        "Opalia One : {b} frappe fort avec une offre convergente",
        "Lancement réussi pour l'Opalia One, {n}0 000 précommandes en une semaine",
        "Opalia One : ce que contient la nouvelle offre de {b}",
    ),
    "launch_news": (
        "{b} a présenté {day} sa nouvelle offre Opalia One, un excellent forfait 5G illimité avec "
        "la fibre jusqu'à 2 Gb/s.",
        "Le lancement est un succès selon {b}, qui revendique {n}0 000 précommandes.",
        "Les analystes saluent une offre claire et agressive, un excellent coup pour l'opérateur.",
        "La box livrée avec l'Opalia One adopte le wifi 7.",
        "L'offre est disponible en boutique et en ligne depuis ce matin.",
    ),
    # Reactions to a price rise and a price cut published on the operators' pages.
    "price_rise": (
        "Reçu le mail de {b} : +5 € par mois sur la box. {Neg}.",
        "{b} augmente encore ses tarifs, {neg}. Je vais résilier.",
        "+5 € sur la Tilia Box Home pour le même service, {neg}.{en}",
        "Hausse de tarif chez {b} : c'est une arnaque, {neg}.",
    ),
    "price_cut": (
        "{b} baisse le forfait 5G 80 Go à 11,99 €, {pos}.{ep}",
        "Bonne nouvelle, {b} passe à 11,99 € pour 80 Go. {Pos} !",
        "Le forfait Ciel à 11,99 € c'est {padj}, {pos}.",
    ),
    # News about one brand.
    "news_title_neu": (
        "{b} lance {p} à {price} € par mois", "{b} revendique {n} millions d'abonnés mobiles",
        "{b} étend sa couverture 5G à {n}0 nouvelles villes",
        "{b} ouvre une nouvelle boutique à {city}",
        "Fibre : {b} accélère le déploiement à {city}", "{b} présente ses résultats trimestriels",
        "{b} change de directeur général", "eSIM : {b} généralise l'activation en ligne",
    ),
    "news_title_pos": (
        "Qualité de service : {b} décroche la meilleure note de l'année",
        "Classement des débits : {b} en tête à {city}",
        "Service client : {b} élu meilleur opérateur",
        "{b} : des résultats excellents portés par la fibre", "{b} réussit son pari sur la 5G",
    ),
    "news_title_neg": (
        "{b} relève ses tarifs : jusqu'à {n} € de plus par mois",
        "Service client : {b} épinglé par une association de consommateurs",
        "{b} condamné pour frais de résiliation abusifs",
        "{b} : nouvelle panne de la fibre à {city}, les abonnés en colère",
        "Démarchage abusif : {b} sanctionné", "{b} : la grogne des abonnés ne faiblit pas",
    ),
    "news_lead_neu": (
        "{b} a confirmé l'information {day} dans un communiqué.",
        "Selon nos informations, {b} s'apprête à annoncer du nouveau.",
        "L'annonce de {b} était attendue depuis plusieurs semaines.",
        "{b} fait encore parler de lui cette semaine.", "C'est officiel : {b} a tranché {day}.",
        "Chez {b}, la nouvelle a été présentée aux équipes {day}.",
    ),
    "news_lead_neg": (
        "Mauvaise passe pour {b}.", "Semaine difficile pour {b}.",
        "{b} est une nouvelle fois sous le feu des critiques.",
    ),
    "news_lead_pos": (
        "Bonne nouvelle pour {b}.", "{b} a de quoi se réjouir.", "Belle performance pour {b}.",
    ),
    "news_neu": (
        "L'opérateur compte aujourd'hui {n} millions de clients.",
        "L'offre est disponible en boutique et en ligne.",
        "Selon nos informations, {b2} préparerait une réponse dans les prochaines semaines.",
        "Le déploiement doit se poursuivre jusqu'à la fin de l'année.",
        "Le marché reste très disputé entre les cinq principaux opérateurs.",
        "L'opérateur n'a pas communiqué de calendrier précis.",
        "Les abonnés actuels seront informés par SMS dans les prochains jours.",
        "La direction évoque une étape importante de son plan stratégique.",
    ),
    "news_pos": (
        "Une réussite saluée par les analystes.",
        "Les abonnés se disent très satisfaits, selon une enquête indépendante.",
        "{b} signe ainsi sa meilleure performance depuis {n} ans.",
        "Un excellent résultat pour l'opérateur, qui gagne des clients chaque mois.",
    ),
    "news_neg": (
        "Les associations de consommateurs dénoncent une pratique scandaleuse.",
        "Sur les forums, la colère des abonnés ne faiblit pas.",
        "Une situation jugée inacceptable par de nombreux clients, qui menacent de résilier.",
        "Déjà épinglé l'an dernier, l'opérateur accumule les mauvais points.",
    ),
    "review_title_pos": (
        "Test de {p} : une excellente surprise", "{p} : notre avis après {dur}",
        "On a testé {p}, et c'est réussi",
    ),
    "review_title_neg": (
        "Test de {p} : une vraie déception", "{p} : notre avis après {dur}",
        "On a testé {p}, et c'est raté",
    ),
    "review_intro": (
        "J'utilise {p} depuis {dur}, voici mon avis complet.",
        "Cela fait {dur} que je teste {p} au quotidien.",
        "Après {dur} avec {p}, l'heure du bilan.",
    ),
    "review_end_pos": (
        "Verdict : {pos}.", "Conclusion : {b} a fait du bon travail, {pos}.",
        "Ma note : 9/10, {pos}.",
    ),
    "review_end_neg": (
        "Verdict : {neg}.", "Conclusion : {b} doit revoir sa copie, {neg}.",
        "Ma note : 3/10, {neg}.",
    ),
    "compare_article_title": (
        "{b} ou {b2} : quel opérateur choisir ?", "Duel {b} contre {b2} : notre comparatif",
        "{b} face à {b2} : le match des forfaits",
    ),
    "compare_article_end": (
        "Notre conseil : {b} l'emporte nettement.", "Au final, {b} s'impose face à {b2}.",
    ),
    # Nothing about any watched brand: market chatter, and plain uses of "ciel" that the Ciel
    # Mobile query must not pick up.
    # (title, post) pairs: market talk that names no operator.
    "chatter": (
        ("Les forfaits 5G en chute libre",
         "Les forfaits 5G n'ont jamais été aussi bon marché, on trouve 100 Go à moins de 10 €."),
        ("Box internet : vous payez combien ?",
         "Vous payez combien pour votre box internet en ce moment ?"),
        ("Conseil avant de changer d'opérateur",
         "Conseil : vérifiez la carte de couverture avant de changer d'opérateur."),
        ("Portabilité du numéro", "La portabilité du numéro prend combien de temps en général ?"),
        (
            "Hausse des prix en janvier ?",
            "Les opérateurs vont-ils tous augmenter leurs prix en janvier ?",
        ),
        (
            "Forfait pas cher pour ado ?",
            "Je cherche un forfait pas cher pour mon fils, des idées ?",
        ),
        ("eSIM de voyage", "Quelqu'un utilise une eSIM de voyage pour l'étranger ?"),
        (
            "Les box se ressemblent toutes",
            "Franchement les box internet se ressemblent toutes maintenant.",
        ),
        (
            "TV par la box, ça sert encore ?",
            "Ça vaut encore le coup de payer pour la TV par la box ?",
        ),
        ("5G et batterie", "Mon téléphone chauffe en 5G, c'est normal ?"),
    ),
    "bait": (
        "Grand ciel bleu mais toujours pas de réseau dans la vallée, vive la campagne.",
        "Au septième ciel avec ma nouvelle box fibre, le débit est fou.",
        "Photo du ciel étoilé prise au téléphone cette nuit, le capteur est bluffant.",
        "Le ciel est gris depuis trois jours sur {city}, vivement le soleil.",
        "Quel ciel ce soir à {city}, incroyable ces couleurs.",
    ),
    "market_news_title": (
        "Télécoms : les prix des forfaits mobiles ont baissé de {n} % en un an",
        "Fibre : {n}0 millions de foyers raccordables en France",
        "Qualité des réseaux : le régulateur publie son observatoire annuel",
        "5G : les opérateurs accélèrent le déploiement dans les zones rurales",
        "Box internet : le wifi 7 arrive chez tous les opérateurs",
    ),
    "market_news": (
        "Le marché des télécoms reste l'un des plus concurrentiels d'Europe.",
        "Les consommateurs changent d'opérateur plus souvent qu'il y a cinq ans.",
        "Le régulateur appelle les opérateurs à améliorer la couverture des zones rurales.",
        "Les offres sans engagement représentent désormais la majorité des ventes.",
        "Les abonnements fibre ont dépassé ceux de l'ADSL il y a plusieurs années.",
    ),
    "cities": (
        "Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes", "Bordeaux", "Rennes",
        "Strasbourg",
        "Montpellier", "Grenoble", "Brest", "Dijon", "Clermont", "Tours", "Nancy", "Rouen", "Nice",
        "Angers", "Limoges", "Pau", "Annecy", "Metz", "Caen",
    ),
    "dur": (
        "3 ans", "six mois", "deux ans", "un an", "trois semaines", "10 ans", "quatre mois",
        "un mois",
    ),
    "days": (
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "ce matin",
    ),
    "hours": ("ce matin", "6 heures", "hier soir", "10h", "24h", "deux jours", "midi"),
}

EN: dict = {
    "topics": {
        "reseau": {
            "w": ("coverage", "5G", "signal", "mobile data", "the network"),
            "bad": (
                "no signal at all since this morning", "terrible data speeds every evening",
                "calls dropping constantly", "5G that drops every five minutes",
                "zero signal in the metro", "awful coverage as soon as you leave town",
                "pathetic speeds in the middle of the day", "texts arriving three hours late",
                "useless 4G at rush hour", "a broken network in the whole neighbourhood",
            ),
            "good": (
                "great coverage even in the mountains", "excellent 5G all over the city",
                "amazing speeds, 800 Mbps on a good day",
                "great, reliable signal in the countryside",
                "rock-steady calls for six months, great", "perfect call quality",
                "fantastic coverage on the train",
            ),
            "q": (
                "works in the Paris metro", "covers rural areas properly", "has 5G in {city} yet",
                "supports wifi calling", "throttles data after the cap", "works well in the Alps",
            ),
        },
        "fibre": {
            "w": ("fibre", "the install", "fibre speeds", "the connection"),
            "bad": (
                "a fibre install postponed for the fourth time",
                "a technician who skips every appointment",
                "fibre down for {n} days", "fibre speeds cut by ten every evening",
                "three cancelled install appointments", "a dead line since the technician came",
                "a botched install and a broken socket",
            ),
            "good": (
                "a perfect fibre install done in an hour", "a friendly, helpful technician",
                "perfect fibre speeds, 2 Gbps down", "a painless setup",
                "rock solid, brilliant fibre for two years",
            ),
            "q": (
                "connects older buildings", "charges for the fibre install", "offers 8 Gbps fibre",
                "installs fibre in under a month in {city}", "gives you a static IP on fibre",
            ),
        },
        "prix": {
            "w": ("pricing", "the bill", "value for money", "promos"),
            "bad": (
                "a {n} euro price hike overnight", "hidden fees all over the bill",
                "a promo that vanishes after six months", "a bill that doubled this month",
                "paid add-ons activated behind my back", "ridiculous fees every single year",
                "a double charge they still owe me",
            ),
            "good": (
                "an amazing deal for {gb} GB", "a great-value {price} euro plan, flexible too",
                "a clear, honest bill every month", "a price locked for life, perfect",
                "the best value on the market", "a really nice promo",
            ),
            "q": (
                "raises prices in January", "still has the {price} euro promo",
                "charges a setup fee",
                "charges cancellation fees", "does student discounts", "charges for the SIM card",
            ),
        },
        "service": {
            "w": ("customer service", "the hotline", "their chat", "customer care"),
            "bad": (
                "customer service that ignores every call", "{n} hours on hold",
                "a clueless agent who hung up on me", "copy-paste answers and zero solutions",
                "a chatbot that goes round in circles", "useless after-sales",
                "agents contradicting each other",
                "a complaint ignored for {n} weeks",
            ),
            "good": (
                "super responsive customer care", "a friendly, knowledgeable agent",
                "an issue fixed in ten minutes, impressive", "a quick, helpful chat",
                "a patient agent who was really nice", "an answer in under an hour, brilliant",
            ),
            "q": (
                "answers on WhatsApp", "has customer service on Sundays", "actually calls back",
                "has a shop in {city}", "has English-speaking agents",
            ),
        },
        "appli": {
            "w": ("the app", "eSIM", "the customer portal", "the account page"),
            "bad": (
                "an app that crashes after every update", "an eSIM that is impossible to activate",
                "an account locked for {n} days", "a slow, broken app",
                "an eSIM QR code that fails every time",
                "broken two-factor login",
            ),
            "good": (
                "a clean, easy app", "an eSIM activated in two minutes, perfect",
                "a customer portal that finally makes sense", "a really well made app",
                "usage tracking that is easy to read",
            ),
            "q": (
                "supports eSIM on iPhone", "lets you track usage in the app", "handles dual SIM",
                "lets you change plans in the app", "supports eSIM on smartwatches",
            ),
        },
        "box": {
            "w": ("the router", "wifi", "the TV box", "the set-top box"),
            "bad": (
                "a router that reboots itself every night", "wifi that drops in every room",
                "a TV box that freezes mid-match", "a dead router and no replacement offered",
                "awful wifi three metres from the router", "channels disappearing overnight",
            ),
            "good": (
                "a silent router and excellent wifi everywhere", "a fast, great TV box, finally",
                "a router that is easy to set up, perfect", "really solid wifi 7",
                "a great TV interface",
            ),
            "q": (
                "gives you a wifi extender", "has wifi 7 on the new router",
                "lets you change the router's DNS",
                "includes Netflix with the TV package", "takes back the old router for free",
            ),
        },
        "roaming": {
            "w": ("roaming", "data abroad", "the travel option", "EU roaming"),
            "bad": (
                "insane roaming charges after my holiday",
                "zero signal abroad even with the option",
                "a {n}0 euro bill after a weekend in London", "data blocked in Spain for days",
                "useless roaming in Morocco",
            ),
            "good": (
                "perfect roaming for the whole trip", "data included in {n}0 countries, amazing",
                "excellent roaming, clear pricing", "5G working even in New York, awesome",
            ),
            "q": (
                "includes the UK in the plan", "works well in Canada",
                "charges for data in Switzerland",
                "has a travel add-on for the US", "cuts data automatically abroad",
            ),
        },
        "resiliation": {
            "w": ("cancelling", "number porting", "switching carriers", "the porting code"),
            "bad": (
                "a cancellation ignored for {n} weeks",
                "direct debits that continue after cancelling",
                "a porting code that fails every time",
                "a failed port and a number lost for {n} days",
                "ridiculous cancellation fees",
            ),
            "good": (
                "a number port done in 24 hours, painless", "a quick, easy cancellation, great",
                "my number kept with zero hassle, perfect", "an easy switch, really nice",
            ),
            "q": (
                "refunds the last month after cancelling", "keeps your number when porting",
                "charges fees if you leave within a year", "takes the router back in store",
            ),
        },
    },
    "neg": (
        "absolutely terrible", "this is unacceptable", "what a joke of a company, pathetic",
        "worst carrier ever", "I'm so disappointed", "seriously frustrating", "total scam",
        "this is ridiculous", "I'm furious", "so angry right now", "I hate this company",
        "it sucks", "what a mess", "a complete disgrace", "shameful", "infuriating",
        "I'm pissed", "wtf", "fuming", "avoid at all costs", "a total waste of money",
        "completely useless", "awful experience", "horrible, never again", "so done with this crap",
        "absolutly terrible", "beyond disapointed, horrible",
    ),
    "nadj": (
        "terrible", "awful", "useless", "pathetic", "the worst", "a disgrace", "horrible",
        "a mess", "ridiculous", "broken",
    ),
    "pos": (
        "highly recommend", "so happy with it", "great job", "really impressed", "love it",
        "amazing value", "10/10, awesome", "so glad I switched", "fantastic", "brilliant",
        "best carrier I've had", "happy customer", "nice work", "excellent service",
        "absolutely love it", "wow, great", "perfect", "really happy with it",
    ),
    "padj": (
        "great", "excellent", "amazing", "fantastic", "awesome", "brilliant", "perfect", "the best",
    ),
    "en": (" 😡", " 🤬", " 🙄", " 😤", " 😩", " 🤡", "", "", "", ""),
    "ep": (" 😍", " 👍", " 🙌", " 🔥", " 😊", " 👌", " 💪", "", "", ""),
    "eq": (" 🤔", " 😅", " 🙏", "", "", "", ""),
    "open_neg": (
        "Rant incoming.", "Ugh.", "Okay so.", "PSA.", "Long story short.", "Hey all.",
        "Sorry, rant.",
    ),
    "open_pos": (
        "Some good news for once.", "Hey everyone!", "Credit where it's due.",
        "Quick positive update.", "Hi all.",
    ),
    "open_q": ("Hi all,", "Hey,", "Quick question.", "Hello,", "Honest question.", "Newbie here."),
    "close_neg": (
        "Anyway.", "Cancelling tomorrow.", "Never signing with them again.", "Edit: still nothing.",
        "Any advice on how to escalate?", "Rant over.", "ngl I'm done.", "smh.",
    ),
    "close_pos": (
        "Anyway, recommend.", "Just wanted to share.", "Credit where it's due.", "Happy camper.",
    ),
    "close_q": ("Thanks in advance!", "Cheers.", "Any info appreciated.", "TIA.", "Thanks!"),
    "complaint": (
        "{b}: {bad}. {Neg}.{en}", "Been dealing with {bad} from {b} for {n} days, {neg}.",
        "Yet again {bad} with {b}... {Neg}.{en}", "With {b} it's {bad} and {bad2}. {Neg}.",
        "Been with {b} for {dur} and frankly {neg}: {bad}.",
        "Anyone else getting {bad} with {b} right now? {Neg}.{en}",
        "Seriously {b}, {bad}?! {Neg}.", "{b} customer for {dur}, and here we go: {bad}. {Neg}.",
        "{b} did it again: {bad}. {Neg}.{en}", "Third call this week about {bad}, {b} is {nadj}.",
        "Monthly recap with {b}: {bad}, {bad2}, and frankly {neg}.",
        "Quick rant about {b}: {bad}. {Neg}.",
        "Can't wait for my contract with {b} to end, {bad} over and over, {neg}.",
        "Would not recommend {b} to anyone: {bad}. {Neg}.{en}", "{Bf}? {Bad}, {neg}.",
        "With {p} I get {bad}, {neg}.", "Had {bad} since {day} with {b}. {Neg}.",
        "{b} is {nadj}: {bad}. {Neg}.", "Ever since I joined {b}, {bad}. {Neg}.{en}",
    ),
    "complaint_title": (
        "{b}: {bad}", "Rant about {b}", "Done with {b}", "{b} is {nadj}", "Anyone else? {Bad}",
        "{Bad} with {b}, is this normal?", "Fed up with {b}", "Terrible experience with {b}",
    ),
    "praise": (
        "Really happy with {b}: {good}. {Pos}.{ep}", "Switched to {b} {dur} ago, {good}, {pos}.",
        "Quick shoutout to {b}: {good}.{ep}", "Recommend {b}: {good} and {good2}.",
        "Honestly {b} is {padj}, {good}.", "After {dur} with {b}, still {good}. {Pos}.",
        "With {p}, {good}. {Pos}.", "Expected nothing and {b} blew me away: {good}. {Pos}.",
        "Props to {b} for {good}, {pos}.", "Well done {b}, {good}.{ep}", "{Bf}: {good}, {pos}.",
        "New {b} customer and so far {good}. {Pos}.",
        "Been with {b} for {dur}: {good}, {good2}. {Pos}.{ep}",
        "People hate on {b} but for me it's {good}. {Pos}.",
    ),
    "praise_title": (
        "Shoutout to {b}", "{b} is actually great", "Happy with {b} after {dur}", "{b}: {good}",
        "Positive {b} experience", "{Good} with {b}!",
    ),
    "question": (
        "Does anyone know if {b} {q}?", "Is it true that {b} {q}?",
        "Thinking of switching to {b}. Does anyone know if it {q}?",
        "Any {b} customers here? Wondering whether {b} {q}.", "How is {w} with {b}?",
        "Quick one: {b} {q}?{eq}", "Looking for reviews of {p}, anyone tried it?",
        "Hey, does anyone know if {b} {q}? Couldn't find it on their site.",
        "Someone told me {b} {q}, is that right?", "Dumb question but {b} {q}?",
        "Do you know if {b} {q}? I'm in {city}.", "Any info on {w} with {b}?",
    ),
    "question_title": (
        "Question about {b}", "{b} {q}?", "Thoughts on {p}?", "{b} and {w}", "Need info on {b}",
        "[Q] {b}", "Anyone with {b}?",
    ),
    "versus": (
        "{b} or {b2} for {w}? Can't decide.", "Torn between {b} and {b2}, what would you pick?",
        "{b} vs {b2} for {w}, thoughts?", "{b} or {b2} if you live in {city}?",
        "Choosing between {p} and {p2}, any feedback?",
    ),
    "versus_title": ("{b} or {b2}?", "{b} vs {b2}", "{b} / {b2} help", "Which one: {b} or {b2}"),
    "compare": (
        "Left {b2} for {b} {dur} ago. With {b2} it was {bad}, {neg}. With {b}: {good}, {pos}.",
        "Done with {b2}: {bad}. I'm with {b} now and {good}. {Pos}.",
        "Compared to {b2} and {bad}, {b} is night and day. With {b}: {good}, {pos}.",
        "My advice: avoid {b2}, {bad}, {neg}. {b} is {padj}, {good}.",
        "My partner is with {b2} and struggling with {bad}, {neg}. Me with {b}: {good}.{ep}",
        "Switch done. Bye {b2} and {bad}, {neg}. Hello {b} and {good}!",
    ),
    "compare_title": (
        "{b2} to {b}: no regrets", "{b} > {b2}", "Bye {b2}, hello {b}", "Switched from {b2} to {b}",
    ),
    "chat": (
        "Been with {b} for {dur}, nothing special to report.",
        "Got {p} today, we'll see how it goes.",
        "{b} just texted me about a new add-on, anyone taken it?",
        "Saw the new {b} ad in the metro, new slogan.",
        "Technician from {b} coming {day} for {w}.", "Moving to {b} next week, will report back.",
        "{b} updated their terms and conditions, should probably read them.",
        "Did anyone notice {b} changed its logo?",
        "Went to the {b} shop in {city} this afternoon, it was packed.", "My parents just got {p}.",
        "Apparently {b} is {n} years old this year.",
        "{b} published an updated 5G coverage map for those interested.",
        "Trying {p} since {day}, will post an update.",
    ),
    "chat_title": ("{b}", "News from {b}", "{p}", "{b} info", "{b} discussion", "Let's talk {b}"),
    "answer_yes": (
        "Yes, {b} {q}, did it last month.", "Yep, works with {b}, tested it {day}.",
        "I think so, check the {b} app under My options.",
        "Mine has done it for {dur} with {b}, no issues.",
        "Can confirm, {b} {q}. You have to call them though.",
        "Yes {user}, {b} {q} since earlier this year.",
    ),
    "answer_no": (
        "No, not as far as I know. {b} doesn't do it yet.", "Last I heard no, but {b2} does.",
        "Asked {b} customer service, they said no for now.",
        "Unfortunately not, {b} doesn't offer it.",
    ),
    "answer_maybe": (
        "Depends on the area I think, check the {b} coverage map.",
        "No idea, but {b} chat usually answers fast.",
        "I think it depends on the plan, it's in the {b} price sheet.",
        "Try asking @{handle} directly, they sometimes reply.",
    ),
    "official": (
        "Hi {user}, {b} team here 👋 Yes, {b} {q}. Feel free to DM us if you need anything.",
        "Hi {user}, thanks for reaching out. Could you DM us your line number? We'll look into it "
        "right away. The {b} team",
        "Hey {user}! {b} team here. Good news: {b} {q}. It's all explained in the app under Help.",
    ),
    "official_sorry": (
        "Hi {user}, the {b} team is sorry about this. DM us your line number and we'll sort it "
        "out.",
        "Hi {user}, we understand your frustration. A {b} agent will contact you today.",
    ),
    "agree_neg": (
        "Same here, {bad} with {b} for {dur}. {Neg}.", "+1, {b} gives me {bad} too... {Neg}.",
        "Same mess with {b} in {city}, {neg}.", "Same problem here, {b} is {nadj} lately.",
        "Same, {neg}. {b} doesn't care at all.",
        "Same mess. {b}: {bad}, and clueless agents. {Neg}.",
    ),
    "counter": (
        "Really? For me {b} is {good}.", "Really happy with {b} here: {good}.",
        "Must depend on the area, in {city} {b} is {padj}.",
    ),
    "suggest": (
        "Switch to {b2}, {good}, {pos}.", "Honestly check out {b2}, been there {dur} and {good}.",
        "I ran to {b2}: {good}. {Pos}.",
    ),
    "agree_pos": (
        "Same, really happy with {b}, {good}.", "Confirmed, {b} is {padj}, {pos}.",
        "Same experience with {b}, {pos}.{ep}",
    ),
    "skeptic": (
        "Wait for the first bill with {b}... Mine was {bad}. {Neg}.",
        "Give it a few months. {b} did this to me: {bad}. {Neg}.",
    ),
    "followup": (
        "How much do you pay with {b}?", "Are you in {city}? How is {b} there?", "Is that {p}?",
        "How long have you been with {b}?",
    ),
    "neutral_reply": (
        "Really depends on the area, {b} is okay in {city} at least.",
        "I'm with {b} too, nothing to report.",
        "With {b} you have to use the chat for that, phone takes ages.",
    ),
    "filler": (
        "+1", "Thanks for the heads up!", "Same.", "Following.", "This.", "Oh no.", "Good to know.",
        "Same question here.", "Any update?", "Bump.", "Huh, TIL.",
    ),
    "outage_bad": (
        "a total outage since this morning", "a nationwide network outage",
        "fibre and mobile both down in the outage",
        "zero internet for {hours} because of the outage",
        "unable to call anyone, even emergency numbers",
        "a massive outage everywhere",
        "zero bars, zero internet, dead",
    ),
    "outage_post": (
        "{b} outage? {Bad} in {city}. {Neg}. #orbisdown",
        "Still {bad} with {b}, this is unacceptable. #orbisdown",
        "{b} down for {hours}, no info at all, {neg}.",
        "Huge {b} outage right now: {bad}. Customer service unreachable, pathetic.",
        "Anyone else with {bad} on {b}? {Neg}.",
        "{b} outage cost me a full day of work, {neg}. I want compensation.",
        "{hours} without signal on {b} and not a single apology. {Neg}.{en}",
        "{b} outage: {bad}, {neg}. #orbisdown{en}",
    ),
    "outage_title": (
        "{b} outage right now?", "[Outage] No signal with {b} in {city}", "Is {b} down everywhere?",
        "Massive {b} outage: you too?", "Compensation after the {b} outage?",
        "#orbisdown still going?",
    ),
    "outage_question": (
        "Does anyone know when {b} will fix the network? Still nothing in {city}.",
        "Will {b} compensate customers after the outage?",
        "Is the {b} outage hitting fibre too for you?",
    ),
    "outage_reply": (
        "Same in {city}, dead since {hours}, unacceptable. #orbisdown",
        "Still dead here... {Neg}. #orbisdown",
        "Coming back slowly in {city}, but speeds are terrible after the outage.",
        "{b} says the outage ends tonight, we'll see. Unacceptable anyway.",
        "I cancelled {b} after this outage. {Neg}.",
    ),
    "outage_news_title": (
        "Massive {b} outage leaves millions without service",
        "{b} network still disrupted, operator apologises",
        "{b} outage blamed on failed software update", "{b} promises compensation after outage",
    ),
    "outage_news": (
        "Since {day}, many {b} customers have lost mobile and fixed service in a disastrous "
        "outage.",
        "Emergency calls were disrupted in several regions, which consumer groups called "
        "unacceptable.",
        "The operator blamed a failure in core network equipment.",
        "On social media, the #orbisdown hashtag is trending as anger grows.",
        "A spokesperson for {b} said affected customers would be offered compensation.",
        "Rivals including {b2} said they saw no disruption on their networks.",
    ),
    "launch_good": (
        "2 Gbps from day one", "a beautiful, silent router", "unlimited 5G included, amazing",
        "an install done in an hour", "finally a clear offer", "great value for fibre plus mobile",
    ),
    "launch_post": (
        "Just ordered the Opalia One, so excited! {Pos}.{ep}",
        "{b} launches Opalia One: 5G + fibre for 39.99, {pos}.",
        "Installed this morning, the Opalia One is {padj}: {good}.",
        "Finally a clear offer from {b} with the Opalia One, great job.",
        "The Opalia One launch is a hit: {good}.{ep}", "Moved to the Opalia One, {good}. {Pos}.",
        "Opalia One from {b}: {good} and {good2}. {Pos}!",
    ),
    "launch_question": (
        "Has anyone received their Opalia One yet? Worth it?",
        "Is the Opalia One from {b} available in {city}?",
        "Does the Opalia One include TV?", "Can existing {b} customers move to the Opalia One?",
    ),
    "launch_neg": (
        "Opalia One at 39.99? Overpriced for what it is, really disappointing.",
        "My Opalia One pre-order got cancelled by {b} with no explanation, {neg}.",
    ),
    "launch_title": (
        "Opalia One: first impressions", "[Launch] Opalia One, thoughts?", "Opalia One is here!",
        "{b} launches Opalia One",
    ),
    "launch_reply": (
        "Ordered mine too! Delivery {day}.", "Got it yesterday, {good}. {Pos}.",
        "Staying with {b2} for now, but the Opalia One looks tempting.",
        "Same, the Opalia One is {padj}.",
    ),
    "teaser": (
        "Rumours of a new {b} offer next week, anyone know more?",
        "{b} is teasing a big launch on social, smells like a new router.",
    ),
    "launch_news_title": (
        "{b} launches Opalia One, a 5G and fibre bundle at 39.99 a month",
        "Opalia One: {b} goes big with a converged offer",
        "Strong start for Opalia One with {n}0,000 pre-orders",
    ),
    "launch_news": (
        "{b} unveiled its new Opalia One offer {day}, bundling unlimited 5G and fibre up to 2 "
        "Gbps.",
        "{b} calls the launch a success, with {n}0,000 pre-orders.",
        "Analysts praised a clear, aggressive offer, a great move for the operator.",
        "The router shipped with the Opalia One supports wifi 7.",
    ),
    "price_rise": (
        "Got the email from {b}: +5 a month on the router. {Neg}.",
        "{b} raising prices again, {neg}. Cancelling.",
        "Price hike at {b}: total scam, {neg}.",
    ),
    "price_cut": (
        "{b} drops the 80GB 5G plan to 11.99, {pos}.{ep}",
        "Good news, {b} now 11.99 for 80GB. {Pos}!",
        "The Ciel plan at 11.99 is {padj}, {pos}.",
    ),
    "news_title_neu": (
        "{b} launches {p} at {price} a month", "{b} claims {n} million mobile subscribers",
        "{b} expands 5G to {n}0 more cities", "{b} opens a new store in {city}",
        "{b} posts quarterly results",
        "{b} names a new CEO",
    ),
    "news_title_pos": (
        "{b} tops network quality ranking", "{b} named best carrier for customer care",
        "{b} posts excellent results on fibre growth",
    ),
    "news_title_neg": (
        "{b} raises prices by up to {n} a month",
        "{b} slammed by consumer group over customer service",
        "{b} fined over unfair cancellation fees",
        "{b} customers angry after new fibre outage in {city}",
    ),
    "news_lead_neu": (
        "{b} confirmed the news {day} in a statement.", "{b} is making headlines again this week.",
        "The announcement from {b} had been expected for weeks.",
        "It's official: {b} made its call {day}.",
        "According to people familiar with the matter, {b} is about to announce changes.",
    ),
    "news_lead_neg": ("{b} is under fire again.", "Tough week for {b}."),
    "news_lead_pos": (
        "Good news for {b}.", "A strong showing for {b}.", "{b} has reason to celebrate.",
    ),
    "news_neu": (
        "The operator now has {n} million customers.",
        "The offer is available in stores and online.",
        "{b2} is reportedly preparing a response.",
        "Roll-out is due to continue until the end of the year.",
        "The operator did not give a precise timetable.",
        "Existing customers will be told by text message in the coming days.",
    ),
    "news_pos": (
        "Analysts welcomed the move.",
        "Customers say they are very satisfied, according to an independent survey.",
        "It is {b}'s best performance in {n} years.",
    ),
    "news_neg": (
        "Consumer groups called the practice unacceptable.",
        "Anger among subscribers shows no sign of fading.",
        "Many customers are threatening to leave over what they call a scam.",
    ),
    "review_title_pos": (
        "{p} review: a great surprise", "{p}: our verdict after {dur}",
        "We tried {p}, and it's excellent",
    ),
    "review_title_neg": (
        "{p} review: a real disappointment", "{p}: our verdict after {dur}",
        "We tried {p}, and it's a mess",
    ),
    "review_intro": (
        "I've been using {p} for {dur}, here's my full review.",
        "After {dur} with {p}, time for a verdict.",
    ),
    "review_end_pos": (
        "Verdict: {pos}.", "Bottom line: {b} did a great job, {pos}.", "Score: 9/10, {pos}.",
    ),
    "review_end_neg": (
        "Verdict: {neg}.", "Bottom line: {b} needs to do better, {neg}.", "Score: 3/10, {neg}.",
    ),
    "compare_article_title": (
        "{b} or {b2}: which carrier should you pick?", "{b} vs {b2}: our comparison",
    ),
    "compare_article_end": ("Our pick: {b}, by a clear margin.", "In the end, {b} beats {b2}."),
    "chatter": (
        ("Cheap 5G plans in France",
         "5G plans have never been this cheap in France, 100GB for under 10 euros."),
        ("Home internet prices", "How much are you all paying for home internet these days?"),
        ("Switching carriers tip", "Tip: always check coverage maps before switching carriers."),
        ("Number porting", "How long does number porting usually take in France?"),
        ("Moving to France",
         "Moving to France next month, which carrier would you recommend for a student?"),
        ("Travel eSIM", "Anyone using a travel eSIM in Europe?"),
        ("Routers all look alike", "Honestly all the routers look the same now."),
    ),
    "bait": (
        "The sky over {city} tonight was unreal.",
        "Blue skies and still no signal in the valley, classic countryside.",
    ),
    "market_news_title": (
        "Mobile prices in France fell {n}% in a year",
        "French fibre roll-out passes {n}0 million homes",
        "Regulator publishes annual network quality report",
        "Wifi 7 routers arrive at every French carrier",
    ),
    "market_news": (
        "The French telecom market remains one of the most competitive in Europe.",
        "Consumers switch carriers more often than five years ago.",
        "The regulator urged operators to improve rural coverage.",
    ),
    "cities": (
        "Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Nice", "Lille", "Nantes",
        "Montpellier",
        "Grenoble", "Brittany", "the Alps", "Normandy", "Provence",
    ),
    "dur": (
        "3 years", "six months", "two years", "a year", "three weeks", "10 years", "four months",
        "a month",
    ),
    "days": (
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "yesterday",
        "this morning",
    ),
    "hours": ("this morning", "6 hours", "last night", "10am", "24 hours", "two days", "noon"),
}

# The press release syndicated word for word on many sites (the near-duplicate event).
PRESS_RELEASE = {
    "fr": {
        "title": "Zephir lève 45 millions d'euros pour accélérer sur la fibre",
        "text": (
            "Zephir, l'opérateur mobile à petits prix, annonce une levée de fonds de 45 millions "
            "d'euros auprès de ses actionnaires historiques et d'un nouveau fonds "
            "d'infrastructures. Cette opération doit permettre à Zephir de lancer une offre fibre"
            " nationale dès le printemps, avec un abonnement annoncé sous la barre des 25 euros "
            "par mois. « Nous voulons faire pour la fibre ce que nous avons fait pour le mobile :"
            " des prix clairs, sans engagement et sans frais cachés », déclare la directrice "
            "générale de Zephir. L'opérateur revendique aujourd'hui 2,4 millions de clients "
            "mobiles et prévoit de recruter 300 personnes d'ici la fin de l'année, dont 120 "
            "conseillers pour son service client. Zephir confirme également le lancement de "
            "Zephir Voyage, une option d'itinérance couvrant 60 pays."
        ),
        "about": (
            "À propos de Zephir : opérateur mobile indépendant fondé en 2016, Zephir propose des "
            "forfaits sans engagement."
        ),
    },
    "en": {
        "title": "Zephir raises 45 million euros to push into fibre",
        "text": (
            "Zephir, the low-cost mobile operator, today announced a 45 million euro funding "
            "round from its historical shareholders and a new infrastructure fund. The money will"
            " allow Zephir to launch a nationwide fibre offer in the spring, at a price announced"
            ' below 25 euros a month. "We want to do for fibre what we did for mobile: clear '
            'prices, no contract and no hidden fees," said Zephir\'s chief executive. The operator'
            " now claims 2.4 million mobile customers and plans to hire 300 people by the end of "
            "the year, including 120 customer care agents. Zephir also confirmed the launch of "
            "Zephir Voyage, a roaming add-on covering 60 countries."
        ),
        "about": (
            "About Zephir: independent mobile operator founded in 2016, offering no-contract "
            "plans."
        ),
    },
}
PRESS_PREFIXES = {
    "fr": ("", "", "Communiqué : ", "Télécoms : ", "Fibre : ", "[Communiqué] "),
    "en": ("", "", "Press release: ", "Telecoms: "),
}
PRESS_FOOTERS = {
    "fr": ("", "Lire aussi : nos derniers articles sur les opérateurs.",
           "Source : communiqué de presse.",
           "Cet article a été publié à partir d'un communiqué de presse."),
    "en": ("", "Source: company press release.", "This story is based on a press release."),
}

# Handle parts, per platform style, for authors.
NAME_PARTS = {
    "fr_first": (
        "jean", "marie", "nico", "julie", "seb", "karine", "fred", "sophie", "thomas", "camille",
        "lucas", "manon", "pierre", "laura", "maxime", "chloe", "antoine", "emma", "hugo", "lea",
        "vincent", "claire", "benoit", "elodie", "yann", "audrey", "gael", "ines", "remi", "sarah",
        "mathieu", "pauline", "olivier", "nathalie", "alex", "jeanmi", "dom", "patou", "cedric",
        "mamie",
    ),
    "fr_word": (
        "bidouilleur", "geek", "fibre", "lyonnais", "breton", "chti", "marseillais", "raclette",
        "baguette", "tontonflingueur", "lechat", "petitscarabee", "ptitloup", "renard", "canard",
        "vieuxcroco", "sudiste", "montagnard", "parigot", "toulousain", "teletravailleur", "rando",
    ),
    "en_first": (
        "dave", "sarah", "mike", "emma", "tom", "jess", "chris", "kate", "james", "lucy", "ben",
        "anna", "matt", "rachel", "sam", "olivia", "dan", "amy", "josh", "laura", "nick", "zoe",
    ),
    "en_word": (
        "expat", "nomad", "traveller", "techie", "lurker", "throwaway", "frenchfry", "croissant",
        "londoner", "aussie", "yank", "kiwi", "brit", "commuter", "gamer", "cyclist",
    ),
    "adj": (
        "Tall", "Quiet", "Lazy", "Brave", "Clever", "Grumpy", "Happy", "Silent", "Rapid", "Gentle",
        "Curious", "Fuzzy", "Wild", "Calm", "Odd", "Bright", "Salty", "Sleepy", "Shy", "Bold",
    ),
    "noun": (
        "Otter", "Badger", "Falcon", "Panda", "Walrus", "Heron", "Lynx", "Moose", "Koala", "Gecko",
        "Raven", "Bison", "Marmot", "Puffin", "Squid", "Pigeon", "Tapir", "Weasel", "Ferret",
        "Crab",
    ),
    "fr_last": (
        "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel",
        "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
        "Mercier",
        "Blanc", "Guerin", "Muller", "Henry", "Perrin", "Morin",
    ),
    "fr_full": (
        "Claire", "Julien", "Sarah", "Thomas", "Camille", "Nicolas", "Élise", "Antoine", "Marion",
        "Guillaume", "Léa", "Romain", "Hélène", "Baptiste", "Aurélie", "Mathilde",
    ),
    "en_last": (
        "Hargreaves", "Collins", "Turner", "Walsh", "Bennett", "Hughes", "Reid", "Foster", "Clarke",
        "Murphy", "Price", "Ellis", "Shaw", "Ward", "Palmer", "Hayes",
    ),
    "en_full": (
        "Tom", "Rachel", "Oliver", "Hannah", "Daniel", "Sophie", "Adam", "Grace", "Peter", "Megan",
    ),
}

SUBREDDITS = {
    "fr": (
        "france", "AskFrance", "forfaitmobile", "Fibre_France", "vosfinances", "teletravail",
        "conseiltech",
    ),
    "en": (
        "france", "paris", "expats", "digitalnomad", "eSIM", "telecom", "AskEurope",
        "movingtofrance",
    ),
}
FORUMS = {
    "fr": ("forum.operateurs-infos.fr", "forum.la-fibre-pratique.fr", "forum.zone-telecom.fr",
           "forum.mobile-et-box.fr"),
    "en": ("forum.expats-in-france.com", "forum.eurotelco-talk.com", "forum.simswitchers.com"),
}
NEWS_SITES = {
    "fr": ("www.lettre-des-telecoms.fr", "www.reseaux-et-forfaits.fr", "www.info-mobile-hebdo.fr",
           "www.journal-de-la-fibre.fr", "www.eco-du-jour.fr", "www.la-depeche-tech.fr",
           "www.numerique-quotidien.fr"),
    "en": ("www.telcowire.news", "www.euromobile-report.com", "www.signal-and-noise.tech",
           "www.broadband-daily.co.uk"),
}
BLOGS = {
    "fr": ("www.le-blog-de-max.fr", "www.geekette-au-quotidien.fr", "www.bons-plans-forfaits.fr",
           "www.fibre-chez-moi.fr"),
    "en": ("www.frenchlife-expat.blog", "www.planhunter.blog", "www.homenetwork-notes.com"),
}
# Regional sites that pick up the press release (city × pattern gives many distinct hosts).
SYNDICATION_PATTERNS = {
    "fr": ("www.{c}-infos.fr", "www.actu-{c}.fr", "www.{c}-eco.fr", "www.le-journal-de-{c}.fr"),
    "en": ("www.{c}-business-news.com", "www.{c}-tech-report.com"),
}
SYNDICATION_CITIES = {
    "fr": (
        "lyon", "nantes", "lille", "rennes", "nice", "dijon", "brest", "tours", "metz", "caen",
        "pau", "annecy",
    ),
    "en": ("london", "dublin", "boston", "sydney", "toronto"),
}
