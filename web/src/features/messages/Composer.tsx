import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../api/types';
import { ProblemError } from '../../api/http';
import { ForwardDialog } from './ForwardDialog';
import { editMessage, notifyTyping, sendMessage } from './messageActions';
import { AttachButton, Attachments, useAttachments } from '../media/Attachments';
import { VoiceRecorder } from '../media/VoiceRecorder';
import { Icon } from '../../ui/Icon';

export type ComposerMode =
  | { kind: 'new' }
  | { kind: 'reply'; message: MessageView }
  | { kind: 'edit'; message: MessageView }
  | { kind: 'forward'; message: MessageView };

export function Composer({ chatId, mode, onModeDone }: { chatId: string; mode: ComposerMode; onModeDone: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const attachments = useAttachments(chatId);

  // Editing starts from the message's text: set while rendering when the mode changes, not in an effect after it.
  const [shownMode, setShownMode] = useState(mode);
  if (shownMode !== mode) {
    setShownMode(mode);
    if (mode.kind === 'edit') setText(mode.message.text ?? '');
  }
  useEffect(() => {
    if (mode.kind !== 'forward') input.current?.focus();
  }, [mode]);

  async function submit() {
    const body = text;
    if (mode.kind === 'edit') {
      if (body.trim().length === 0) return;
      try {
        await editMessage(chatId, mode.message.id, body);
        setText('');
        onModeDone();
      } catch (e) {
        setError(e instanceof ProblemError ? e.message : String(e));
      }
      return;
    }
    if (!attachments.ready) return;
    const mediaIds = attachments.mediaIds;
    if (body.trim().length === 0 && mediaIds.length === 0) return;
    setText('');
    setError(null);
    attachments.clear();
    onModeDone();
    try {
      await sendMessage(chatId, body, mode.kind === 'reply' ? mode.message.id : null, mediaIds);
    } catch (e) {
      setError(e instanceof ProblemError ? e.message : String(e));
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && mode.kind !== 'new') {
      setText('');
      onModeDone();
    }
  }

  return (
    <footer className="composer">
      {mode.kind === 'forward' && <ForwardDialog fromChatId={chatId} message={mode.message} onClose={onModeDone} />}
      {(mode.kind === 'reply' || mode.kind === 'edit') && (
        <div className="composer-context">
          <span><strong>{mode.kind === 'reply' ? t('reply') : t('editing')}</strong> {mode.message.text ?? '📎'}</span>
          <button className="icon-button" aria-label={t('cancel')} onClick={() => { setText(''); onModeDone(); }}><Icon name="close" size={18} /></button>
        </div>
      )}
      <Attachments state={attachments} />
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="composer-row">
        {mode.kind !== 'edit' && <AttachButton onFiles={attachments.add} />}
        <textarea
          ref={input}
          rows={1}
          name="message"
          placeholder={t('messagePlaceholder')}
          aria-label={t('messagePlaceholder')}
          value={text}
          maxLength={4096}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.length > 0 && mode.kind !== 'edit') notifyTyping(chatId);
          }}
          onKeyDown={onKeyDown}
        />
        {text.trim().length === 0 && attachments.mediaIds.length === 0 && mode.kind === 'new' ? (
          <VoiceRecorder chatId={chatId} />
        ) : (
          <button className="send" aria-label={t('send')} disabled={!attachments.ready} onClick={() => void submit()}><Icon name="send" /></button>
        )}
      </div>
    </footer>
  );
}
