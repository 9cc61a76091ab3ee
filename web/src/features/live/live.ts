import { create } from 'zustand';
import { api, unwrap } from '../../api/http';
import type { components } from '../../api/schema.gen';
import { useSession } from '../../auth/session';
import { onServerEvent } from '../../realtime/events';
import type { ServerEvents } from '../../api/types';
import { invokeHub } from '../../realtime/hub';

export type LiveState = components['schemas']['LiveState'];

interface LiveStore {
  /** Each chat's room as last seen (GET or `live.state`). */
  rooms: Record<string, LiveState>;
  /** The chat whose room I am in (one at a time). */
  joined: string | null;
  mic: MediaStream | null;
  /** userId → their audio, for everyone I have a connection with. */
  audio: Record<string, MediaStream>;
  /** userId → the connection's state. */
  links: Record<string, RTCPeerConnectionState>;
}

export const useLive = create<LiveStore>(() => ({ rooms: {}, joined: null, mic: null, audio: {}, links: {} }));

const me = () => useSession.getState().me?.id ?? '';
const peers = new Map<string, RTCPeerConnection>();
const early = new Map<string, RTCIceCandidateInit[]>();
let iceServers: RTCIceServer[] = [];

const isSpeaker = (room: LiveState | undefined, userId: string) => !!room?.speakers.some((s) => s.userId === userId);

let reconciling: Promise<void> = Promise.resolve();

function put(room: LiveState): void {
  useLive.setState((s) => ({ rooms: { ...s.rooms, [room.chatId]: room } }));
  // One at a time, each with the latest state: two at once would each open a microphone and links of their own.
  if (useLive.getState().joined === room.chatId) {
    reconciling = reconciling.then(() => {
      const latest = useLive.getState().rooms[room.chatId];
      return latest ? reconcile(latest) : undefined;
    }).catch(() => undefined);
  }
}

export async function loadRoom(chatId: string): Promise<void> {
  put(await unwrap(api.GET('/chats/{chatId}/live', { params: { path: { chatId } } })));
}

function signal(chatId: string, toUserId: string, kind: 'offer' | 'answer' | 'ice', payload: unknown): Promise<void> {
  return invokeHub('liveSignal', { chatId, toUserId, kind, payload });
}

function close(userId: string): void {
  peers.get(userId)?.close();
  peers.delete(userId);
  early.delete(userId);
  useLive.setState((s) => {
    const audio = { ...s.audio };
    const links = { ...s.links };
    delete audio[userId];
    delete links[userId];
    return { audio, links };
  });
}

/** A connection to one participant: it carries my microphone when I speak, and their audio when they do. */
function link(chatId: string, userId: string): RTCPeerConnection {
  close(userId);
  const pc = new RTCPeerConnection({ iceServers });
  const audio = new MediaStream();
  pc.ontrack = (e) => {
    audio.addTrack(e.track);
    useLive.setState((s) => ({ audio: { ...s.audio, [userId]: audio } }));
  };
  pc.onicecandidate = (e) => e.candidate && void signal(chatId, userId, 'ice', e.candidate.toJSON()).catch(() => undefined);
  pc.onconnectionstatechange = () => {
    useLive.setState((s) => ({ links: { ...s.links, [userId]: pc.connectionState } }));
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
      if (peers.get(userId) === pc) close(userId);
    }
  };
  const mic = useLive.getState().mic;
  if (mic && isSpeaker(useLive.getState().rooms[chatId], me())) {
    for (const track of mic.getTracks()) pc.addTrack(track, mic);
  } else {
    pc.addTransceiver('audio', { direction: 'recvonly' });
  }
  peers.set(userId, pc);
  return pc;
}

async function offer(chatId: string, userId: string): Promise<void> {
  const pc = link(chatId, userId);
  await pc.setLocalDescription(await pc.createOffer());
  await signal(chatId, userId, 'offer', pc.localDescription!.toJSON());
}

let spokeLast = false;

/**
 * Who connects to whom: everyone to every speaker (speakers to each other too), never listener to listener, so a
 * channel's listeners (whom nobody is told about) only ever offer. A listener offers to each speaker; of two
 * speakers, the lower id offers; whoever starts or stops speaking offers afresh, so that the microphone is added
 * or dropped.
 */
async function reconcile(room: LiveState): Promise<void> {
  const self = me();
  if (!room.active || useLive.getState().joined !== room.chatId) return;
  const speaking = isSpeaker(room, self);
  const mic = useLive.getState().mic;
  if (speaking && !mic) {
    useLive.setState({ mic: await navigator.mediaDevices.getUserMedia({ audio: true }) });
  }
  const muted = room.speakers.find((s) => s.userId === self)?.muted ?? true;
  useLive.getState().mic?.getAudioTracks().forEach((track) => (track.enabled = speaking && !muted));
  const changed = speaking !== spokeLast;
  spokeLast = speaking;
  if (changed) for (const userId of [...peers.keys()]) close(userId);
  for (const speaker of room.speakers) {
    if (speaker.userId === self || peers.has(speaker.userId)) continue;
    if (!speaking || changed || self < speaker.userId) await offer(room.chatId, speaker.userId);
  }
  // Speakers who stopped speaking keep no connection with listeners.
  if (!speaking) for (const userId of [...peers.keys()]) if (!isSpeaker(room, userId)) close(userId);
}

export async function startRoom(chatId: string): Promise<void> {
  await prepare();
  useLive.setState({ joined: chatId });
  put(await unwrap(api.POST('/chats/{chatId}/live', { params: { path: { chatId } } })));
}

export async function joinRoom(chatId: string): Promise<void> {
  await prepare();
  useLive.setState({ joined: chatId });
  put(await unwrap(api.POST('/chats/{chatId}/live/join', { params: { path: { chatId } } })));
}

async function prepare(): Promise<void> {
  if (useLive.getState().joined) await leaveRoom();
  iceServers = (await unwrap(api.GET('/calls/ice-servers'))).iceServers as RTCIceServer[];
  spokeLast = false;
}

function hangUpAll(): void {
  for (const userId of [...peers.keys()]) close(userId);
  useLive.getState().mic?.getTracks().forEach((track) => track.stop());
  useLive.setState({ joined: null, mic: null, audio: {}, links: {} });
}

export async function leaveRoom(): Promise<void> {
  const chatId = useLive.getState().joined;
  hangUpAll();
  if (chatId) put(await unwrap(api.POST('/chats/{chatId}/live/leave', { params: { path: { chatId } } })));
}

export async function stopRoom(chatId: string): Promise<void> {
  hangUpAll();
  await unwrap(api.DELETE('/chats/{chatId}/live', { params: { path: { chatId } } }));
}

export async function raiseHand(chatId: string, raised: boolean): Promise<void> {
  put(await unwrap(api.POST('/chats/{chatId}/live/raise-hand', { params: { path: { chatId } }, body: { raised } })));
}

export async function setSpeaker(chatId: string, userId: string, speaks: boolean): Promise<void> {
  const path = { params: { path: { chatId, userId } } };
  put(await unwrap(speaks ? api.PUT('/chats/{chatId}/live/speakers/{userId}', path) : api.DELETE('/chats/{chatId}/live/speakers/{userId}', path)));
}

export async function setMuted(chatId: string, userId: string, muted: boolean): Promise<void> {
  put(await unwrap(api.PUT('/chats/{chatId}/live/participants/{userId}/mute', { params: { path: { chatId, userId } }, body: { muted } })));
}

onServerEvent('live.state', ({ data }) => {
  put(data);
  if (!data.active && useLive.getState().joined === data.chatId) hangUpAll();
});

onServerEvent('live.signal', ({ data }) => void liveSignal(data));

async function liveSignal(data: ServerEvents['live.signal']['data']): Promise<void> {
  const { chatId, fromUserId, kind, payload } = data;
  if (useLive.getState().joined !== chatId) return;
  if (kind === 'offer') {
    // Both offered at once: the lower id's offer wins, the other side answers it.
    if (peers.get(fromUserId)?.signalingState === 'have-local-offer' && me() < fromUserId) return;
    const pc = link(chatId, fromUserId);
    await pc.setRemoteDescription(payload as RTCSessionDescriptionInit);
    await pc.setLocalDescription(await pc.createAnswer());
    await signal(chatId, fromUserId, 'answer', pc.localDescription!.toJSON());
    for (const candidate of early.get(fromUserId)?.splice(0) ?? []) await pc.addIceCandidate(candidate);
    return;
  }
  const pc = peers.get(fromUserId);
  if (!pc) return;
  if (kind === 'answer') {
    if (pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription(payload as RTCSessionDescriptionInit);
    for (const candidate of early.get(fromUserId)?.splice(0) ?? []) await pc.addIceCandidate(candidate);
  } else if (pc.remoteDescription) {
    await pc.addIceCandidate(payload as RTCIceCandidateInit);
  } else {
    early.set(fromUserId, [...(early.get(fromUserId) ?? []), payload as RTCIceCandidateInit]);
  }
}

/** The sound received from a participant so far: WebRTC's `totalAudioEnergy` and `totalSamplesDuration`. */
export async function audioEnergy(userId: string): Promise<{ energy: number; seconds: number }> {
  const pc = peers.get(userId);
  const total = { energy: 0, seconds: 0 };
  if (!pc) return total;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; totalAudioEnergy?: number; totalSamplesDuration?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      total.energy += report.totalAudioEnergy ?? 0;
      total.seconds += report.totalSamplesDuration ?? 0;
    }
  });
  return total;
}
