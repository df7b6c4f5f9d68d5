import Link from 'next/link';

export function Nav() {
  return (
    <nav>
      <Link href="/">RSC + Server Action (API key)</Link> · <Link href="/iam">IAM (server role)</Link> ·{' '}
      <Link href="/proxy">Proxy (middleware)</Link> · <a href="/ssr">Pages Router: getServerSideProps</a> ·{' '}
      <a href="/api/todos">Route Handler</a> · <a href="/api/iam/todos">Route Handler (IAM)</a> ·{' '}
      <a href="/api/pages/todos">Pages API route</a>
    </nav>
  );
}
