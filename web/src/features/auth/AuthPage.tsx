import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ProblemError } from '../../api/http';
import { register, signIn } from '../../auth/session';

export function AuthPage({ mode }: { mode: 'login' | 'register' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const [fields, setFields] = useState({ login: '', username: '', email: '', password: '', name: '' });
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof typeof fields) => ({
    name,
    value: fields[name],
    onChange: (e: { target: { value: string } }) => setFields({ ...fields, [name]: e.target.value }),
  });
  const errorOf = (name: string) => problem?.errors[name]?.[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      if (mode === 'login') await signIn(fields.login, fields.password);
      else await register({ username: fields.username, email: fields.email, password: fields.password, name: fields.name });
      void navigate(from === '/login' || from === '/register' ? '/' : from, { replace: true });
    } catch (error) {
      setProblem(error instanceof ProblemError ? error : new ProblemError({ status: 0, title: String(error) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth">
      <form className="auth-card" onSubmit={submit} aria-label={mode === 'login' ? t('signIn') : t('signUp')}>
        <img src="/favicon.svg" alt="" width={72} height={72} />
        <h1>{t('appName')}</h1>
        {mode === 'login' ? (
          <label>{t('login')}<input {...field('login')} autoComplete="username" required /></label>
        ) : (
          <>
            <label>{t('name')}<input {...field('name')} autoComplete="given-name" required /></label>
            <label>{t('username')}<input {...field('username')} autoComplete="username" required /></label>
            {errorOf('username') && <span className="field-error">{errorOf('username')}</span>}
            <label>{t('email')}<input {...field('email')} type="email" autoComplete="email" required /></label>
            {errorOf('email') && <span className="field-error">{errorOf('email')}</span>}
          </>
        )}
        <label>{t('password')}<input {...field('password')} type="password" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} required /></label>
        {errorOf('password') && <span className="field-error">{errorOf('password')}</span>}
        {problem && Object.keys(problem.errors).length === 0 && <p className="form-error" role="alert">{problem.message}</p>}
        <button type="submit" className="primary" disabled={busy}>{mode === 'login' ? t('signIn') : t('signUp')}</button>
        <p className="auth-switch">
          {mode === 'login' ? t('noAccount') : t('haveAccount')}{' '}
          <Link to={mode === 'login' ? '/register' : '/login'} state={{ from }}>{mode === 'login' ? t('signUp') : t('signIn')}</Link>
        </p>
      </form>
    </div>
  );
}
