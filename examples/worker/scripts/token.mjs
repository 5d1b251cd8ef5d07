// Prints a user's token for the Worker: AUTH_SECRET=... node scripts/token.mjs <user>
import { userToken } from "../src/auth.js";

const [user] = process.argv.slice(2);
const secret = process.env.AUTH_SECRET;
if (!user || !secret) {
  console.error("usage: AUTH_SECRET=<the Worker's secret> node scripts/token.mjs <user id>");
  process.exit(2);
}
console.log(await userToken(secret, user));
