-- Uploads that no message has sent yet, by upload time, so that the oldest can be deleted and
-- each contact's can be counted without reading every attachment.
CREATE INDEX attachments_unsent ON attachments(created_at) WHERE message_id IS NULL;
