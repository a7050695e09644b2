const { DATABASE_URL, SESSION_SECRET: secret, PORT = 3000, ...rest } = process.env;
const key = process.env.STRIPE_KEY || process.env["SMTP_HOST"];
const dyn = process.env[name];
console.log(import.meta.env.VITE_API_URL);
