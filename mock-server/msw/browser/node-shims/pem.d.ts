declare module '*.pem' {
  const text: string;
  export default text;
}

declare module '*.crt' {
  const text: string;
  export default text;
}
