/**
 * The message catalogue in Dutch (nl-BE), the default: every sentence the service writes for a reader
 * (the inbox, the family's access log, notification e-mails). ICU MessageFormat; plain language (about
 * B1). The other languages have the same keys with the same arguments (test/messages.spec.ts).
 */
export const nlBE = {
  // A referral's status, in the inbox texts.
  'referral.status':
    '{status, select, none {nog niets} DRAFT {ontwerp} SENT {verstuurd} RECEIVED {ontvangen} ACCEPTED {aanvaard} WAITLISTED {op de wachtlijst} DECLINED {geweigerd} HANDOVER_SCHEDULED {overdracht gepland} HANDOVER_HELD {overdracht gebeurd} COMPLETED {afgerond} WITHDRAWN {ingetrokken} other {een andere stap}}',

  // The inbox: one text per kind of item (src/inbox/inbox-kind.ts).
  'inbox.referralReceived': 'Er is een nieuwe doorverwijzing naar uw organisatie.',
  'inbox.referralStatusChanged': 'Uw doorverwijzing ging van "{from}" naar "{to}".',
  'inbox.referralOverdue': 'Een doorverwijzing staat te lang op "{to}".',
  'inbox.breakGlassUsed': 'Iemand opende in een noodgeval de gegevens van het gezin, tot {until, date, medium} om {until, time, short}.',
  'inbox.consentWithdrawn':
    '{whole, select, yes {Een toestemming van het gezin werd ingetrokken.} other {Een toestemming van het gezin werd ingetrokken voor enkele gezinsleden.}}',
  'inbox.supportHandoverToConfirm': 'Uw gezin krijgt een nieuwe trajectbegeleider. Wilt u dat bevestigen?',
  'inbox.supportHandedOver': 'De trajectbegeleiding van het gezin werd overgedragen.',
  'inbox.loggedReferralStepDue':
    '{to, select, SENT {Een doorverwijzing die u doorgaf aan een organisatie buiten het platform wacht: noteer of er een afspraak is.} HANDOVER_SCHEDULED {De afspraak van een doorverwijzing naar een organisatie buiten het platform is voorbij: noteer of het eerste bezoek doorging.} other {Een doorverwijzing naar een organisatie buiten het platform wacht: noteer hoe ze afliep en sluit ze af.}}',
  'inbox.bridgeFigureNamed': 'U wordt gevraagd om een gezin te begeleiden naar zijn eerste gesprek met de dienst waarnaar het doorverwezen is.',
  'inbox.familyMerged':
    'Uw gezin was twee keer ingeschreven. De twee inschrijvingen zijn samengevoegd tot één gezin en één plan.{members, plural, =0 {} one { Eén gezinslid stond in beide inschrijvingen: die twee gegevens zijn nu één.} other { # gezinsleden stonden in beide inschrijvingen: hun twee gegevens zijn nu telkens één.}}',
  'inbox.familyMembersPaired': 'Een gezinslid stond twee keer ingeschreven: die twee gegevens zijn nu één.',
  'inbox.familyMergeDeclined': 'Uw voorstel om twee inschrijvingen van hetzelfde gezin samen te voegen werd geweigerd. De inschrijvingen blijven apart.',
  'inbox.familyMoveWithdrawn': 'De voorgestelde verhuis van uw gezin naar een andere regio werd ingetrokken. U hoeft niets te bevestigen: uw trajectbegeleider blijft dezelfde.',
  'inbox.referralEscalated': 'Een doorverwijzing naar deze organisatie staat nog altijd te lang op "{to}": {workingDays, plural, one {# werkdag} other {# werkdagen}} na de termijn.',
  'inbox.consentExpiring': 'Een toestemming van het gezin loopt af op {on, date, medium}.',
  'inbox.actionDue': 'Een actie in het plan moet klaar zijn op {on, date, medium}.',
  'inbox.actionOverdue': 'Een actie in het plan moest klaar zijn op {on, date, medium} en is nog niet gedaan.',
  'inbox.transitionChecklistProposed': 'Het plan heeft een nieuwe checklist voor iemand die 18 wordt (op {on, date, medium}).',
  'inbox.webhookDeliveryFailed': 'Een bericht naar het dossiersysteem van deze koppeling kwam niet aan, ook niet na de laatste poging.',
  'inbox.portalInvitationExpired': 'Een uitnodiging voor het gezinsportaal die u voor een gezinslid maakte, is verlopen voordat ze gebruikt werd.',
  'inbox.memberCorrectionRequested': 'Een gezinslid vraagt om gegevens van het gezin te verbeteren. Wilt u dat doen of weigeren?',
  'inbox.memberCorrectionApplied': 'Uw vraag om uw gegevens te verbeteren is uitgevoerd.',
  'inbox.memberCorrectionDeclined': 'Uw vraag om uw gegevens te verbeteren werd geweigerd. Het team vertelt u waarom.',
  'inbox.teamParticipationRequested': 'Een andere organisatie vraagt om bij het team van het gezin te komen. Wilt u dat aanvaarden of weigeren?',
  'inbox.referralToReviewAfterMove': 'Het gezin is verhuisd naar een ander netwerk, waar de organisatie van deze doorverwijzing niet werkt. Kijk na of de doorverwijzing nog nodig is.',
  'inbox.referralFamilyMoved': 'Het gezin van deze doorverwijzing is verhuisd naar een netwerk waar uw organisatie niet werkt. U kunt de doorverwijzing niet meer verder zetten; weigeren kan nog.',

  // Notification e-mails: only that there is something new, and where to read it (docs/inbox.md, "E-mail").
  'email.immediate.subject': 'Er is iets nieuws voor u in 1Gezin1Plan',
  'email.immediate.body':
    'Goedendag,\n\nEr is iets nieuws voor u in 1Gezin1Plan. Meld u aan om het te lezen:\n{link}\n\nDit is een automatische e-mail. U kunt deze e-mails uitzetten in uw instellingen.',
  'email.digest.subject': 'Nieuws voor u in 1Gezin1Plan',
  'email.digest.body': 'Goedendag,\n\nSinds gisteren is er iets nieuws voor u in 1Gezin1Plan. Meld u aan om het te lezen:\n{link}\n\nDit is een automatische e-mail, hoogstens één keer per dag. U kunt deze e-mails uitzetten in uw instellingen.',

  // The family's access log (src/portal/access-log-wording.ts): who did what, and why.
  'log.you': 'U',
  'log.theService': 'De dienst',
  'log.actorOfAgency': '{name} ({agency})',
  'log.line': '{actor} {done}{categories}{basis}.',
  'log.categories': ' ({list})',
  'log.basis': ', {basis}',
  'log.startedWorking': '{actor} begon met uw gezin te werken.',
  'log.adminAssignedThemselves': '{actor}, een beheerder van de organisatie, wees zichzelf toe aan uw gezin.',

  'log.did':
    '{action, select, READ {bekeek {what}} INSERT {voegde {what} toe} UPDATE {wijzigde {what}} DELETE {verwijderde {what}} ERASE {wiste {what}} READ_INSIGHT {bekeek de cijfers van {what}} other {gebruikte {what}}}',
  'log.category':
    '{category, select, IDENTITY {identiteitsgegevens} CONTACT {contactgegevens} PLAN {gegevens van het plan} NOTES {notities} HEALTH {gezondheidsgegevens} SAFETY {gegevens over veiligheid} REFERRAL {gegevens van een doorverwijzing} other {andere gegevens}}',
  'log.basisOf':
    '{basis, select, CONSENT {met uw toestemming} AUTHOR {die ze zelf schreven} BREAK_GLASS {in een noodgeval, zonder toestemming} ASSIGNMENT {voor hun werk met uw gezin} RECIPIENT {omdat ze naar hun dienst werd gestuurd (alleen de stand van zaken)} ADMINISTRATION {als beheer} other {}}',

  // What a record is, one or more of them ("een toestemming", "3 toestemmingen").
  'log.kind.network': 'een netwerk van diensten',
  'log.kind.agency': 'de gegevens van een organisatie',
  'log.kind.user': 'de account van een hulpverlener',
  'log.kind.membership': 'de rol van een hulpverlener in een organisatie',
  'log.kind.integrationClient': 'een koppeling met het eigen dossiersysteem van een organisatie',
  'log.kind.subjectIdentity': 'het soort aanmelding (hulpverlener, gezinslid of beheerder)',
  'log.kind.membershipInvitation': 'een uitnodiging aan een hulpverlener om bij een organisatie te komen',
  'log.kind.portalInvitation': 'een uitnodiging voor het gezinsportaal',
  'log.kind.portalLoginEnded': 'het einde van een aanmelding voor het gezinsportaal',
  'log.kind.familyRegistration': 'de inschrijving van het gezin',
  'log.kind.familyData': 'de persoonsgegevens van het gezin',
  'log.kind.personalDetails': '{records, plural, one {persoonsgegevens} other {# keer persoonsgegevens}}',
  'log.kind.caseAssignment': 'de toewijzing van een hulpverlener aan uw gezin',
  'log.kind.plan': '{records, plural, one {het gezinsplan} other {# gezinsplannen}}',
  'log.kind.trajectorySupporter': 'de contactpersoon van uw gezin voor het plan (trajectbegeleider)',
  'log.kind.planParticipant': 'een organisatie in het team van het plan',
  'log.kind.planHistory': '{records, plural, one {de geschiedenis van het plan} other {# stappen in de geschiedenis van het plan}}',
  'log.kind.planClosureAgreement': 'het akkoord om het plan af te sluiten',
  'log.kind.goal': '{records, plural, one {een doel} other {# doelen}}',
  'log.kind.goalMember': 'over wie een doel gaat',
  'log.kind.progress': '{records, plural, one {de vooruitgang van een doel} other {# notities over de vooruitgang van doelen}}',
  'log.kind.action': '{records, plural, one {een actie} other {# acties}}',
  'log.kind.note': '{records, plural, one {een notitie} other {# notities}}',
  'log.kind.noteMember': 'over wie een notitie gaat',
  'log.kind.consent': '{records, plural, one {een toestemming} other {# toestemmingen}}',
  'log.kind.consentSubject': 'voor wie een toestemming geldt',
  'log.kind.consentRevocation': 'het intrekken van een toestemming',
  'log.kind.consentConfirmation': 'het bevestigen van een toestemming, op 18 jaar',
  'log.kind.capacity':
    '{records, plural, one {een beoordeling of een kind zelf kan beslissen} other {# beoordelingen of een kind zelf kan beslissen}}',
  'log.kind.breakGlassGrant': 'toegang in een noodgeval tot uw gegevens',
  'log.kind.breakGlassRevocation': 'het einde van de toegang in een noodgeval tot uw gegevens',
  'log.kind.referral': '{records, plural, one {een doorverwijzing} other {# doorverwijzingen}}',
  'log.kind.referralMember': 'over wie een doorverwijzing gaat',
  'log.kind.referralTransition': 'een stap van de doorverwijzing',
  'log.kind.handoverMeeting': 'een overdrachtsgesprek',
  'log.kind.erasureRequest': 'een vraag om persoonsgegevens te wissen',
  'log.kind.notificationChannel': 'hoe u per e-mail hoort dat er iets nieuws is',
  'log.kind.agencyServiceArea': 'een regio waarin een organisatie werkt',
  'log.kind.directoryService': 'een dienst in de gids van het netwerk',
  'log.kind.familyMerge': 'het samenvoegen van twee inschrijvingen van uw gezin',
  'log.kind.memberChange': '{records, plural, one {de geschiedenis van de gegevens van een gezinslid} other {# stappen in de geschiedenis van de gegevens van gezinsleden}}',
  'log.kind.correctionRequest': '{records, plural, one {een vraag om de gegevens van een gezinslid te verbeteren} other {# vragen om gegevens van gezinsleden te verbeteren}}',
  'log.kind.familyMove': 'de verhuis van uw gezin naar een andere regio',
  'log.kind.memberIdentity': 'hoe een lid van uw gezin herkend kan worden (een gecodeerde vorm van het rijksregisternummer, of van de naam en de geboortedatum)',
  'log.kind.familyLookup': 'of uw gezin gekend is',
  'log.kind.teamParticipationRequest': 'een vraag van een organisatie om bij het team van uw gezin te komen',
  'log.kind.unknown': 'iets over uw gezin',

  // Where the plain verb would not say it well: the whole phrase.
  'log.done.portalInvitation.INSERT': 'maakte een uitnodiging voor het gezinsportaal',
  'log.done.portalInvitation.UPDATE': 'gebruikte of trok een uitnodiging voor het gezinsportaal in',
  'log.done.portalLoginEnded.INSERT': 'beëindigde een aanmelding voor het gezinsportaal',
  'log.done.familyRegistration.INSERT': 'schreef uw gezin in',
  'log.done.personalDetails.INSERT': 'voegde een lid van uw gezin toe',
  'log.done.caseAssignment.INSERT': 'wees een hulpverlener toe aan uw gezin',
  'log.done.caseAssignment.UPDATE': 'beëindigde het werk van een hulpverlener met uw gezin',
  'log.done.plan.INSERT': 'opende het gezinsplan',
  'log.done.trajectorySupporter.INSERT': 'duidde een nieuwe contactpersoon voor uw gezin aan (trajectbegeleider)',
  'log.done.trajectorySupporter.UPDATE': 'veranderde wie de contactpersoon van uw gezin is (trajectbegeleider)',
  'log.done.planParticipant.INSERT': 'voegde een organisatie toe aan het team van het plan',
  'log.done.planHistory.INSERT': 'noteerde een wijziging in de geschiedenis van het plan',
  'log.done.planClosureAgreement.INSERT': 'noteerde het akkoord om het plan af te sluiten',
  'log.done.goalMember.INSERT': 'noteerde over wie een doel gaat',
  'log.done.progress.INSERT': 'noteerde vooruitgang bij een doel',
  'log.done.noteMember.INSERT': 'noteerde over wie een notitie gaat',
  'log.done.consentSubject.INSERT': 'noteerde voor wie een toestemming geldt',
  'log.done.consentSubject.UPDATE': 'bracht een toestemming over naar het gezinslid dat twee keer ingeschreven was',
  'log.done.consentRevocation.INSERT': 'noteerde het intrekken van een toestemming',
  'log.done.consentConfirmation.INSERT': 'noteerde dat een toestemming bevestigd werd, op 18 jaar',
  'log.done.capacity.INSERT': 'noteerde een beoordeling of een kind zelf kan beslissen',
  'log.done.breakGlassGrant.INSERT': 'nam in een noodgeval toegang tot uw gegevens',
  'log.done.breakGlassRevocation.INSERT': 'beëindigde de toegang in een noodgeval tot uw gegevens',
  'log.done.referralMember.INSERT': 'noteerde over wie een doorverwijzing gaat',
  'log.done.referralMember.UPDATE': 'bracht een doorverwijzing over naar het gezinslid dat twee keer ingeschreven was',
  'log.done.referralTransition.INSERT': 'noteerde een stap van de doorverwijzing',
  'log.done.handoverMeeting.INSERT': 'plande een overdrachtsgesprek',
  'log.done.erasureRequest.INSERT': 'noteerde een vraag om persoonsgegevens te wissen',
  'log.done.familyMerge.INSERT': 'stelde voor om twee inschrijvingen van uw gezin samen te voegen',
  'log.done.familyMerge.UPDATE':
    '{state, select, MERGED {voegde twee inschrijvingen van uw gezin samen tot één gezin en één plan} WITHDRAWN {trok het voorstel in om twee inschrijvingen van uw gezin samen te voegen} DECLINED {weigerde het voorstel om twee inschrijvingen van uw gezin samen te voegen} other {wijzigde het voorstel om twee inschrijvingen van uw gezin samen te voegen}}',
  'log.done.memberChange.INSERT': 'noteerde een wijziging aan de gegevens van een gezinslid',
  'log.done.correctionRequest.INSERT': 'vroeg om de gegevens van een gezinslid te verbeteren',
  'log.done.correctionRequest.UPDATE': 'voerde een vraag om gegevens van een gezinslid te verbeteren uit, of weigerde ze',
  'log.done.familyMove.INSERT': 'stelde voor dat uw gezin naar een andere regio verhuist, met daar een nieuwe contactpersoon',
  'log.done.familyMove.UPDATE': 'noteerde de verhuis van uw gezin naar een andere regio',
  'log.done.memberIdentity.DELETE': 'verwijderde hoe een lid van uw gezin herkend kan worden',
  'log.done.familyLookup.INSERT': 'vroeg of uw gezin gekend is',
  'log.done.teamParticipationRequest.INSERT': 'vroeg om bij het team van uw gezin te komen (ze zien niets zonder uw toestemming)',
  'log.done.teamParticipationRequest.UPDATE': 'beantwoordde een vraag van een organisatie om bij het team van uw gezin te komen',

  // Who asked whether the family is known, and why (a lookup names no employee: asking is no work with the family yet).
  'log.employeeOf': 'Een medewerker van {agency}',
  'log.employeeOfAService': 'Een medewerker van een dienst',
  'log.lookedUp': '{actor} vroeg of uw gezin gekend is, {purpose, select, REGISTRATION {voordat een gezin ingeschreven werd} REFERRAL_INTAKE {om een doorverwijzing of een vraag om hulp op te nemen} CHILD_SAFETY {uit zorg om de veiligheid van een kind} TEAM_FORMATION {om een team rond uw gezin te vormen} other {voor het werk}}.',
} as const;

export type MessageKey = keyof typeof nlBE;
