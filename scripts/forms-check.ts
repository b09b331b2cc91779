import path from 'node:path';
import { FormDefinitionError, loadNationalServices } from '@front-counter/forms';

// npm run forms:check: validates every national service definition (schema and structure) and
// says what it found. The same checks run in the tests and at sync.
const directory = path.resolve(process.argv[2] ?? 'tenants/_national/services');
try {
  const services = loadNationalServices(directory);
  for (const service of services) {
    const questions = service.pages.reduce((count, page) => count + ('questions' in page ? page.questions.length : 0), 0);
    const kept = service.retention ? `, reports kept ${service.retention.defaultDays} days once settled (a force may choose up to ${service.retention.maximumDays})` : '';
    process.stdout.write(`ok  ${service.id} v${service.version}: ${service.pages.length} pages, ${questions} questions${kept}\n`);
  }
} catch (error) {
  process.stderr.write(`${error instanceof FormDefinitionError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
