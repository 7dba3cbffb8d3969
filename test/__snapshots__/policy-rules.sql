-- platform admin × Network × create
TRUE;

-- platform admin × Network × read
TRUE;

-- platform admin × Agency × create
TRUE;

-- platform admin × Agency × read
TRUE;

-- platform admin × Membership × create
m.role = ANY(ARRAY['NETWORK_COORDINATOR', 'AGENCY_ADMIN']);

-- platform admin × Membership × read
TRUE;

-- platform admin × Membership × update
m.role = ANY(ARRAY['NETWORK_COORDINATOR', 'AGENCY_ADMIN']);

-- network coordinator × Network × read
n.id = 'network';

-- network coordinator × Network × readInsights
n.id = 'network';

-- network coordinator × Agency × create
ag.network_id = 'network';

-- network coordinator × Agency × read
(EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ag.id AND nr_sa.network_id = 'network' AND nr_sa.ended_at IS NULL) OR ag.network_id = 'network');

-- network coordinator × Membership × create
(ma.network_id = 'network' AND m.role = ANY(ARRAY['NETWORK_COORDINATOR', 'AGENCY_ADMIN']));

-- network coordinator × Membership × read
ma.network_id = 'network';

-- network coordinator × Membership × update
(ma.network_id = 'network' AND m.role = ANY(ARRAY['NETWORK_COORDINATOR', 'AGENCY_ADMIN']));

-- network coordinator × DirectoryService × create
ds.network_id = 'network';

-- network coordinator × DirectoryService × read
ds.network_id = 'network';

-- network coordinator × DirectoryService × update
ds.network_id = 'network';

-- agency admin × Network × read
n.id = 'network';

-- agency admin × Agency × read
(EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ag.id AND nr_sa.network_id = 'network' AND nr_sa.ended_at IS NULL) OR ag.network_id = 'network');

-- agency admin × Membership × create
(m.agency_id = 'agency' AND m.role = ANY(ARRAY['CASEWORKER', 'VOLUNTEER', 'AGENCY_ADMIN']));

-- agency admin × Membership × read
m.agency_id = 'agency';

-- agency admin × Membership × update
(m.agency_id = 'agency' AND m.role = ANY(ARRAY['CASEWORKER', 'VOLUNTEER', 'AGENCY_ADMIN']));

-- agency admin × CaseAssignment × create
(f.network_id = 'network' AND c.agency_id = 'agency' AND (EXISTS (SELECT ia.agency_id FROM case_assignment ia WHERE ia.family_id = c.family_id AND ia.ended_at IS NULL AND ia.agency_id = 'agency') OR EXISTS (SELECT pp.agency_id FROM plan_participant pp JOIN plan ip ON ip.id = pp.plan_id
    WHERE ip.family_id = c.family_id AND ip.status <> 'CLOSED' AND pp.removed_at IS NULL AND pp.agency_id = 'agency')));

-- agency admin × CaseAssignment × read
c.agency_id = 'agency';

-- agency admin × CaseAssignment × update
c.agency_id = 'agency';

-- agency admin × IntegrationClient × create
ic.agency_id = 'agency';

-- agency admin × IntegrationClient × read
ic.agency_id = 'agency';

-- agency admin × IntegrationClient × update
ic.agency_id = 'agency';

-- agency admin × DirectoryService × create
(ds.network_id = 'network' AND ds.agency_id = 'agency');

-- agency admin × DirectoryService × read
ds.network_id = 'network';

-- agency admin × DirectoryService × update
(ds.network_id = 'network' AND ds.agency_id = 'agency');

-- caseworker × Network × read
n.id = 'network';

-- caseworker × Agency × read
(EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ag.id AND nr_sa.network_id = 'network' AND nr_sa.ended_at IS NULL) OR ag.network_id = 'network');

-- caseworker × Family × create
f.network_id = 'network';

-- caseworker × Family × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = f.id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = f.id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Family × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = f.id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = f.id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × FamilyMember × read
((EXISTS (SELECT rr.to_agency_id FROM referral rr JOIN referral_member rm ON rm.referral_id = rr.id
    WHERE rm.member_id = fm.id AND rr.sent_at IS NOT NULL AND rr.status <> 'WITHDRAWN' AND rr.to_agency_id = 'agency') AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) OR ((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'IDENTITY'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR fm.created_by_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = fm.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user'))));

-- caseworker × FamilyMember × readContact
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'CONTACT'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR fm.created_by_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = fm.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')));

-- caseworker × FamilyMember × update
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'IDENTITY'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR fm.created_by_user_id = 'user'));

-- caseworker × FamilyMember × erase
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × FamilyMember × invitePortal
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × FamilyMember × endPortalLogin
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × FamilyMember × assessCapacity
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Consent × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = cn.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = cn.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Consent × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = cn.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = cn.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Consent × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = cn.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = cn.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × BreakGlassGrant × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = bgg.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = bgg.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × BreakGlassGrant × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = bgg.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = bgg.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × BreakGlassGrant × update
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = bgg.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = bgg.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND EXISTS (SELECT fs.user_id FROM trajectory_supporter fs JOIN plan fp ON fp.id = fs.plan_id
    WHERE fp.family_id = bgg.family_id AND fp.status <> 'CLOSED' AND fs.state <> 'ENDED' AND fs.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = bgg.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = bgg.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND bgg.user_id = 'user'));

-- caseworker × Plan × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Plan × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR p.created_by_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = p.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')));

-- caseworker × Plan × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Plan × coordinate
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND EXISTS (SELECT 1 FROM trajectory_supporter hs WHERE hs.plan_id = p.id AND hs.state = 'CURRENT') = false AND p.status = 'DRAFT') OR (f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = p.id AND s.state = 'CURRENT' AND s.user_id = 'user')));

-- caseworker × Plan × confirmHandover
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND NOT EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = p.id AND s.state = 'INCOMING' AND s.user_id = 'user'));

-- caseworker × Goal × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Goal × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND ((CASE WHEN ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN' AND NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id)) THEN EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(g.consent_family_id, p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) ELSE NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id) AND (EXISTS (SELECT 1 FROM family_merge gfm WHERE gfm.surviving_family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    AND gfm.status = 'MERGED' AND gfm.merged_at <= g.created_at) OR (COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id))))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) END) OR g.created_by_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = p.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')));

-- caseworker × Goal × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Action × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Action × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND ((CASE WHEN ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN' AND NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id)) THEN EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(g.consent_family_id, p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) ELSE NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id) AND (EXISTS (SELECT 1 FROM family_merge gfm WHERE gfm.surviving_family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    AND gfm.status = 'MERGED' AND gfm.merged_at <= g.created_at) OR (COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id))))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) END) OR a.created_by_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = p.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')));

-- caseworker × Action × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Note × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- caseworker × Note × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id) AND (nt.consent_family_id IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = nt.consent_family_id
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = nt.consent_family_id))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = nt.category
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) OR nt.author_user_id = 'user' OR EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = p.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')));

-- caseworker × Referral × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency');

-- caseworker × Referral × read
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user') OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true) OR (f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = r.plan_id AND s.state = 'CURRENT' AND s.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency'));

-- caseworker × Referral × refer
((f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = r.plan_id AND s.state = 'CURRENT' AND s.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency'));

-- caseworker × Referral × respond
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true);

-- caseworker × Referral × intake
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true);

-- caseworker × Referral × readDetails
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user' AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)))) OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = r.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')) OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)))) OR (f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = r.plan_id AND s.state = 'CURRENT' AND s.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency'));

-- caseworker × Referral × readMeetingPlace
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user') OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND EXISTS (SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = r.family_id
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id) AND bg.user_id = 'user')) OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)))) OR (f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = r.plan_id AND s.state = 'CURRENT' AND s.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency'));

-- caseworker × Referral × readActors
((f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user') OR (r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true) OR (f.network_id = 'network' AND EXISTS (SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = r.plan_id AND s.state = 'CURRENT' AND s.user_id = 'user')) OR (f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.from_agency_id = 'agency'));

-- caseworker × DirectoryService × read
ds.network_id = 'network';

-- volunteer × Network × read
n.id = 'network';

-- volunteer × Agency × read
(EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ag.id AND nr_sa.network_id = 'network' AND nr_sa.ended_at IS NULL) OR ag.network_id = 'network');

-- volunteer × Family × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = f.id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = f.id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')));

-- volunteer × FamilyMember × read
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'IDENTITY'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR fm.created_by_user_id = 'user'));

-- volunteer × FamilyMember × readContact
((SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id) = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = fm.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = fm.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'CONTACT'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR fm.created_by_user_id = 'user'));

-- volunteer × Plan × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) OR p.created_by_user_id = 'user'));

-- volunteer × Goal × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND NOT ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = ANY(ARRAY['HEALTH', 'SAFETY'])) AND ((CASE WHEN ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN' AND NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id)) THEN EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(g.consent_family_id, p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) ELSE NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id) AND (EXISTS (SELECT 1 FROM family_merge gfm WHERE gfm.surviving_family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    AND gfm.status = 'MERGED' AND gfm.merged_at <= g.created_at) OR (COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id))))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) END) OR g.created_by_user_id = 'user'));

-- volunteer × Action × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND NOT ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = ANY(ARRAY['HEALTH', 'SAFETY'])) AND ((CASE WHEN ((CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN' AND NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id)) THEN EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ANY (ARRAY[COALESCE(g.consent_family_id, p.consent_family_id, p.family_id), p.family_id]) AND (cg.family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) AND rf.merged_into_family_id = p.family_id)) AND cg.recipient_agency_id = 'agency' AND cg.category = 'PLAN'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)) ELSE NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id) AND (EXISTS (SELECT 1 FROM family_merge gfm WHERE gfm.surviving_family_id = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    AND gfm.status = 'MERGED' AND gfm.merged_at <= g.created_at) OR (COALESCE(g.consent_family_id, p.consent_family_id, p.family_id) IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = COALESCE(g.consent_family_id, p.consent_family_id, p.family_id))))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) END) OR a.created_by_user_id = 'user'));

-- volunteer × Action × update
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND a.assignee_user_id = 'user');

-- volunteer × Note × create
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND NOT (nt.category = ANY(ARRAY['HEALTH', 'SAFETY'])));

-- volunteer × Note × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = p.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND NOT (nt.category = ANY(ARRAY['HEALTH', 'SAFETY'])) AND (NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id) AND (nt.consent_family_id IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = nt.consent_family_id
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = nt.consent_family_id))))) em(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = em.id AND cg.recipient_agency_id = 'agency' AND cg.category = nt.category
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))) OR nt.author_user_id = 'user'));

-- volunteer × Referral × read
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user');

-- volunteer × Referral × readDetails
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user' AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))));

-- volunteer × Referral × readMeetingPlace
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user');

-- volunteer × Referral × readActors
(f.network_id = 'network' AND (EXISTS (SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = r.family_id AND ca.ended_at IS NULL AND ca.user_id = 'user') OR EXISTS (SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = r.family_id AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = 'user')) AND r.bridge_figure_user_id = 'user');

-- volunteer × DirectoryService × read
ds.network_id = 'network';

-- family member × Family × read
f.id = 'family';

-- family member × FamilyMember × read
fm.family_id = 'family';

-- family member × FamilyMember × readContact
(fm.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT fm.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × FamilyMember × erase
(fm.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT fm.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × FamilyMember × endPortalLogin
(fm.family_id = 'family' AND fm.id = 'member');

-- family member × Consent × create
cn.family_id = 'family';

-- family member × Consent × read
(cn.family_id = 'family' AND (cn.grantor_member_id = 'member' OR EXISTS (SELECT 1 FROM (SELECT ccs.member_id FROM consent_subject ccs WHERE ccs.consent_id = cn.id) ccm(id) WHERE member_speaks_for('member', ccm.id))));

-- family member × Consent × update
(cn.family_id = 'family' AND (cn.grantor_member_id = 'member' OR EXISTS (SELECT 1 FROM (SELECT ccs.member_id FROM consent_subject ccs WHERE ccs.consent_id = cn.id) ccm(id) WHERE member_speaks_for('member', ccm.id))));

-- family member × CapacityAssessment × read
(cpm.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT cpa.member_id) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × BreakGlassGrant × read
bgg.family_id = 'family';

-- family member × AuditEvent × read
(ae.audited_family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT unnest(ae.member_ids)) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × Plan × read
p.family_id = 'family';

-- family member × Plan × confirmHandover
p.family_id = 'family';

-- family member × Goal × read
(p.family_id = 'family' AND (CASE WHEN (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN'
      THEN NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) OR EXISTS (SELECT 1 FROM (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) ccm(id) WHERE member_speaks_for('member', ccm.id))
      ELSE EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) AND NOT EXISTS (SELECT 1 FROM (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)) END));

-- family member × Action × read
(p.family_id = 'family' AND (CASE WHEN (CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END) = 'PLAN'
      THEN NOT EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) OR EXISTS (SELECT 1 FROM (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) ccm(id) WHERE member_speaks_for('member', ccm.id))
      ELSE EXISTS (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) AND NOT EXISTS (SELECT 1 FROM (SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)) END));

-- family member × Note × read
(p.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT cm.id FROM family_member cm
  WHERE cm.family_id = p.family_id
  AND (EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = nt.id) AND (nt.consent_family_id IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = nt.consent_family_id
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = nt.consent_family_id))))) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × Referral × read
(r.family_id = 'family' AND EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) ccm(id) WHERE member_speaks_for('member', ccm.id)));

-- family member × Referral × readDetails
(r.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × Referral × readMeetingPlace
(r.family_id = 'family' AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) sm(id) WHERE NOT member_speaks_for('member', sm.id)));

-- family member × Referral × readActors
(r.family_id = 'family' AND EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) ccm(id) WHERE member_speaks_for('member', ccm.id)));

-- integration client × FamilyMember × read
(EXISTS (SELECT rr.to_agency_id FROM referral rr JOIN referral_member rm ON rm.referral_id = rr.id
    WHERE rm.member_id = fm.id AND rr.sent_at IS NOT NULL AND rr.status <> 'WITHDRAWN' AND rr.to_agency_id = 'agency') AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = fm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)));

-- integration client × Referral × read
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true);

-- integration client × Referral × intake
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true);

-- integration client × Referral × readDetails
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))));

-- integration client × Referral × readMeetingPlace
(r.to_agency_id = 'agency' AND (r.sent_at IS NOT NULL) = true AND NOT EXISTS (SELECT 1 FROM (SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = r.id) rcm(id) WHERE NOT EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.member_id = rcm.id AND cg.recipient_agency_id = 'agency' AND cg.category = 'REFERRAL'
    AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date))));
