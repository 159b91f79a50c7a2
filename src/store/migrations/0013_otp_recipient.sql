-- The phone number each passcode was sent to, so that the issue limit also counts codes per
-- receiving phone: anonymous web chat visitors are new contacts each time, and a limit per
-- contact alone would let anyone who knows a customer's number send it any number of codes.
ALTER TABLE otp_codes ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
CREATE INDEX otp_codes_recipient_time ON otp_codes(recipient, created_at);
