import type { components } from './schema.gen';
import type { ServerEvents } from './events.gen';

type Schemas = components['schemas'];

export type AuthResult = Schemas['AuthResult'];
export type MyProfile = Schemas['MyProfile'];
export type PublicProfile = Schemas['PublicProfile'];
export type Presence = Schemas['Presence'];
export type UserSettings = Schemas['UserSettings'];
export type SessionView = Schemas['SessionView'];
export type ChatView = Schemas['ChatView'];
export type ChatListItem = Schemas['ChatListItem'];
export type ChatType = Schemas['ChatType'];
export type ChatRole = Schemas['ChatRole'];
export type MemberView = Schemas['MemberView'];
export type MessageView = Schemas['MessageView'];
export type MessagePreview = Schemas['MessagePreview'];
export type ReactionCount = Schemas['ReactionCount'];
export type MediaView = Schemas['MediaView'];
export type MediaKind = MediaView['kind'];
export type FolderView = Schemas['FolderView'];
export type UpdatesPage = Schemas['UpdatesPage'];
export type CallView = Schemas['CallView'];
export type IceServers = Schemas['IceServers'];
export type Problem = Schemas['Problem'];

export type { ServerEvents };
export type EventName = keyof ServerEvents;
/** Any server-to-client event's envelope. */
export type ServerEvent = ServerEvents[EventName];
