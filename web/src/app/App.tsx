import { Navigate, Route, Routes } from 'react-router';
import { useSession } from '../auth/session';
import { AuthPage } from '../features/auth/AuthPage';
import { Messenger } from './Messenger';

export function App() {
  const status = useSession((s) => s.status);
  if (status === 'loading') return <div className="splash" aria-busy="true" />;
  if (status === 'signedOut') {
    return (
      <Routes>
        <Route path="/register" element={<AuthPage mode="register" />} />
        <Route path="/login" element={<AuthPage mode="login" />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: window.location.pathname }} />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/login" element={<Navigate to="/" replace />} />
      <Route path="/register" element={<Navigate to="/" replace />} />
      <Route path="/chat/:chatId" element={<Messenger />} />
      <Route path="/settings" element={<Messenger panel="settings" />} />
      <Route path="/join/:inviteCode" element={<Messenger panel="join" />} />
      <Route path="*" element={<Messenger />} />
    </Routes>
  );
}
