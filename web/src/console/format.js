// Labels shared by the console's panels.

export const CHANNEL_LABELS = {
  twilio_sms: "SMS",
  twilio_voice: "Voice",
  whatsapp: "WhatsApp",
  webchat: "Web chat",
  infobip: "SMS",
  rcs: "RCS",
  apple: "Apple Messages",
  smpp: "SMS",
};

export const PRIORITY_ORDER = { critical: 0, high: 1, standard: 2 };

export function channelLabel(channel) {
  return CHANNEL_LABELS[channel] ?? channel ?? "unknown channel";
}

/// Returns "4m 05s" for a duration in milliseconds; negative durations read as overdue.
export function formatDuration(millis) {
  const seconds = Math.floor(Math.abs(millis) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, "0")}m` : `${minutes}m ${rest}s`;
}

export function contactName(conversation) {
  return conversation.contact_name || `Contact ${conversation.contact_id}`;
}
