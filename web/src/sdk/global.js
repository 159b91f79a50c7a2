// The SDK bundle for pages without a module bundler: window.MobileLinkChat.ChatClient.
import { ATTACHMENT_LIMITS, ChatClient } from "./chat_client.js";

window.MobileLinkChat = Object.freeze({ ChatClient, ATTACHMENT_LIMITS });
