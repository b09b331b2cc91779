// Jest loads global set-up outside its module system, so the TypeScript set-up is loaded through tsx
// (which honours tsconfig paths); decorators are not needed there.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { default: setup } = await tsImport('./global-setup.ts', import.meta.url);
  await setup();
}
