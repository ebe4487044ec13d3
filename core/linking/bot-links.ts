/** Where people reach the bot; used to build invite, share and alert links. */
export interface BotLinks {
  telegramUsername: string;
  viberChatUri: string;
}
