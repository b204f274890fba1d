// hbs 4 ships no type declarations; this covers what the sample app uses.
declare module 'hbs' {
  interface HbsInstance {
    __express(path: string, options: object, callback: (error: Error | null, html?: string) => void): void;
    registerHelper(name: string, helper: (...args: any[]) => unknown): void;
    registerPartial(name: string, template: string): void;
  }
  const hbs: HbsInstance;
  export default hbs;
}
