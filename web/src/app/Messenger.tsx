import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/session';
import { useLanguage } from '../i18n';
import { startRealtime, stopRealtime, useConnectivity } from '../realtime/hub';
import { resetChats } from '../store/chats';
import { loadChats } from '../features/chats/chatActions';
import { Sidebar } from '../features/chats/Sidebar';
import { ChatPane } from '../features/messages/ChatPane';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { JoinByLink } from '../features/chats/JoinByLink';
import { retryFailed } from '../features/messages/messageActions';
import { CallLayer } from '../features/calls/CallLayer';

/** The signed-in app: the realtime connection, the chat list and the open chat. */
export function Messenger({ panel }: { panel?: 'settings' | 'join' }) {
  const me = useMe();
  const { chatId } = useParams();
  const { t } = useTranslation();
  const connectivity = useConnectivity((s) => s.state);
  useLanguage(me.settings.language);

  useEffect(() => {
    // The change log's cursor is taken before the chat list is loaded, so nothing that happens in between is missed.
    const reload = () => void loadChats();
    void startRealtime(reload).then(reload);
    return () => {
      void stopRealtime();
      resetChats();
    };
  }, [me.id]);

  useEffect(() => {
    if (connectivity === 'online') void retryFailed();
  }, [connectivity]);

  return (
    <div className={`messenger ${chatId || panel === 'settings' ? 'has-open' : ''}`}>
      {connectivity !== 'online' && (
        <div className={`connectivity ${connectivity}`} role="status">{connectivity === 'offline' ? t('offline') : t('connecting')}</div>
      )}
      {panel === 'settings' ? <SettingsPanel /> : <Sidebar activeChatId={chatId} />}
      <main className="chat-area">
        {panel === 'join' ? <JoinByLink /> : chatId ? <ChatPane key={chatId} chatId={chatId} /> : <div className="empty-chat">{t('selectChat')}</div>}
      </main>
      <CallLayer />
    </div>
  );
}
