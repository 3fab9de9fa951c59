-- The issuer of the user token an approval was asked with: a poll's user subject_token must come from it too, as the
-- same subject at another trusted issuer is another person. NULL outside a user token and for approvals asked before
-- this column existed (their polls are matched on subject and tenant only, as before).
ALTER TABLE approvals ADD COLUMN user_issuer text;
