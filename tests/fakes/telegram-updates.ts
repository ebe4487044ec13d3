/** Real-shaped Telegram updates (modern schema: is_bot, entities, chat_instance), built per test. */
let nextUpdateId = 50_000;

export interface TgUser {
  id: number;
  first_name: string;
  language_code?: string;
  username?: string;
}

const chatOf = (user: TgUser) => ({ id: user.id, type: "private", first_name: user.first_name });
const fromOf = (user: TgUser) => ({
  id: user.id,
  is_bot: false,
  first_name: user.first_name,
  ...(user.username ? { username: user.username } : {}),
  ...(user.language_code ? { language_code: user.language_code } : {}),
});

/** A private-chat message update carrying `content` (text, photo, …). */
function messageUpdate(user: TgUser, updateId: number, content: Record<string, unknown>): Record<string, unknown> {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(user),
      from: fromOf(user),
      ...content,
    },
  };
}

export function tgText(user: TgUser, text: string, updateId = nextUpdateId++): Record<string, unknown> {
  const command = /^\/\w+/.exec(text);
  return messageUpdate(user, updateId, {
    text,
    ...(command ? { entities: [{ offset: 0, length: command[0].length, type: "bot_command" }] } : {}),
  });
}

export function tgButton(
  user: TgUser,
  data: string,
  messageId = 1,
  updateId = nextUpdateId++,
): Record<string, unknown> {
  return {
    update_id: updateId,
    callback_query: {
      id: `cq${updateId}`,
      from: fromOf(user),
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: chatOf(user), text: "menu" },
      chat_instance: "-1234567890123456789",
      data,
    },
  };
}

export function tgPhoto(user: TgUser, updateId = nextUpdateId++): Record<string, unknown> {
  return messageUpdate(user, updateId, {
    photo: [
      { file_id: "PHOTO_SMALL_ID", file_unique_id: "PS1", width: 90, height: 67, file_size: 1254 },
      { file_id: "PHOTO_LARGE_ID", file_unique_id: "PL1", width: 1280, height: 960, file_size: 98765 },
    ],
  });
}

export function tgDocument(
  user: TgUser,
  document: { fileId: string; name: string; mime: string; size: number },
  updateId = nextUpdateId++,
): Record<string, unknown> {
  return messageUpdate(user, updateId, {
    document: {
      file_id: document.fileId,
      file_unique_id: `u${document.fileId}`,
      file_name: document.name,
      mime_type: document.mime,
      file_size: document.size,
    },
  });
}

export function tgContact(user: TgUser, phone: string, updateId = nextUpdateId++): Record<string, unknown> {
  return messageUpdate(user, updateId, {
    contact: { phone_number: phone, first_name: user.first_name, user_id: user.id },
  });
}

export function tgBlocked(user: TgUser, updateId = nextUpdateId++): Record<string, unknown> {
  return {
    update_id: updateId,
    my_chat_member: {
      chat: chatOf(user),
      from: fromOf(user),
      date: 1,
      old_chat_member: { status: "member" },
      new_chat_member: { status: "kicked", user: { id: 7000001, is_bot: true, first_name: "TRM" } },
    },
  };
}
