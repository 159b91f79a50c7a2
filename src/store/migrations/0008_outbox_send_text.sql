-- The text to send when it differs from the stored message, such as an SMS that carries a
-- one-time passcode whose stored copy is masked. It is cleared once the send ends.
ALTER TABLE outbox ADD COLUMN send_text TEXT;
