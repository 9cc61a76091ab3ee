import { create } from 'zustand';
import { api, unwrap } from '../../api/http';
import type { CallView, ServerEvents } from '../../api/types';
import { useSession } from '../../auth/session';
import { onServerEvent } from '../../realtime/events';
import { invokeHub } from '../../realtime/hub';

export type CallPhase = 'outgoing' | 'incoming' | 'connecting' | 'connected' | 'ended';

interface CallState {
  call: CallView | null;
  phase: CallPhase | null;
  local: MediaStream | null;
  remote: MediaStream | null;
  /** The peer connection's state, as WebRTC reports it. */
  connection: RTCPeerConnectionState | null;
}

export const useCall = create<CallState>(() => ({ call: null, phase: null, local: null, remote: null, connection: null }));

let pc: RTCPeerConnection | null = null;
/** ICE candidates that arrived before the remote description they belong to. */
let early: RTCIceCandidateInit[] = [];

const me = () => useSession.getState().me?.id;
const peerOf = (call: CallView) => (call.callerId === me() ? call.calleeId : call.callerId);

async function signal(call: CallView, kind: 'offer' | 'answer' | 'ice', payload: unknown): Promise<void> {
  const body = { callId: call.id, toUserId: peerOf(call), kind, payload };
  // Over the realtime connection when it is up (the service relays it upstream), else over REST.
  try {
    await invokeHub('callSignal', body);
  } catch {
    await unwrap(api.POST('/calls/{callId}/signal', { params: { path: { callId: call.id } }, body }));
  }
}

async function media(video: boolean): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: true, video });
}

async function connection(call: CallView): Promise<RTCPeerConnection> {
  const ice = await unwrap(api.GET('/calls/ice-servers'));
  const peer = new RTCPeerConnection({ iceServers: ice.iceServers as RTCIceServer[] });
  const remote = new MediaStream();
  peer.ontrack = (e) => {
    remote.addTrack(e.track);
    useCall.setState({ remote });
  };
  peer.onicecandidate = (e) => e.candidate && void signal(call, 'ice', e.candidate.toJSON());
  peer.onconnectionstatechange = () => {
    useCall.setState({ connection: peer.connectionState });
    if (peer.connectionState === 'connected') useCall.setState({ phase: 'connected' });
  };
  for (const track of useCall.getState().local?.getTracks() ?? []) peer.addTrack(track, useCall.getState().local!);
  pc = peer;
  return peer;
}

function teardown(call: CallView | null): void {
  const hadPeer = pc !== null;
  pc?.close();
  pc = null;
  early = [];
  useCall.getState().local?.getTracks().forEach((track) => track.stop());
  useCall.setState({ call, phase: call ? 'ended' : null, local: null, remote: null, connection: hadPeer ? 'closed' : useCall.getState().connection });
  // The ended screen shows briefly, then goes.
  if (call) setTimeout(() => useCall.getState().call?.id === call.id && useCall.setState({ call: null, phase: null }), 1500);
}

export async function startCall(chatId: string, video: boolean): Promise<void> {
  const local = await media(video);
  useCall.setState({ local, connection: null });
  try {
    const call = await unwrap(api.POST('/calls', { body: { chatId, video } }));
    useCall.setState({ call, phase: 'outgoing' });
  } catch (error) {
    teardown(null);
    throw error;
  }
}

export async function acceptCall(): Promise<void> {
  const { call } = useCall.getState();
  if (!call) return;
  useCall.setState({ local: await media(call.video), phase: 'connecting' });
  await connection(call);
  await unwrap(api.POST('/calls/{callId}/accept', { params: { path: { callId: call.id } } }));
}

export async function rejectCall(): Promise<void> {
  const { call } = useCall.getState();
  if (!call) return;
  teardown(call);
  await unwrap(api.POST('/calls/{callId}/reject', { params: { path: { callId: call.id } } }));
}

export async function hangUp(): Promise<void> {
  const { call } = useCall.getState();
  if (!call) return;
  teardown(call);
  await unwrap(api.POST('/calls/{callId}/end', { params: { path: { callId: call.id } } }));
}

onServerEvent('call.incoming', ({ data }) => {
  if (useCall.getState().call) return; // the server answers a second call with busy
  useCall.setState({ call: data, phase: 'incoming', connection: null });
});

onServerEvent('call.updated', ({ data }) => void callUpdated(data));

async function callUpdated(data: CallView): Promise<void> {
  const { call, phase } = useCall.getState();
  if (call?.id !== data.id) return;
  if (data.status === 'active') {
    useCall.setState({ call: data });
    // The caller offers once the callee has accepted (the callee's peer connection is ready by then).
    if (data.callerId === me() && phase === 'outgoing') {
      useCall.setState({ phase: 'connecting' });
      const peer = await connection(data);
      await peer.setLocalDescription(await peer.createOffer());
      await signal(data, 'offer', peer.localDescription!.toJSON());
    }
  } else if (data.status !== 'ringing') {
    if (phase !== 'ended') teardown(data);
  }
}

onServerEvent('call.signal', ({ data }) => void callSignal(data));

async function callSignal(data: ServerEvents['call.signal']['data']): Promise<void> {
  const peer = pc;
  const { call } = useCall.getState();
  if (!peer || call?.id !== data.callId) return;
  if (data.kind === 'offer') {
    await peer.setRemoteDescription(data.payload as RTCSessionDescriptionInit);
    await peer.setLocalDescription(await peer.createAnswer());
    await signal(call, 'answer', peer.localDescription!.toJSON());
    for (const candidate of early.splice(0)) await peer.addIceCandidate(candidate);
  } else if (data.kind === 'answer') {
    await peer.setRemoteDescription(data.payload as RTCSessionDescriptionInit);
    for (const candidate of early.splice(0)) await peer.addIceCandidate(candidate);
  } else if (peer.remoteDescription) {
    await peer.addIceCandidate(data.payload as RTCIceCandidateInit);
  } else {
    early.push(data.payload as RTCIceCandidateInit);
  }
}
