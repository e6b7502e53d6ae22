import { Body, Controller, HttpCode, Post } from '@nestjs/common';

@Controller('auth')
export class AuthController {
  // no rate limit: passwords and reset tokens can be guessed as fast as the server answers
  @Post('login')
  @HttpCode(200)
  login(@Body() body: { email: string; password: string }) {
    return { token: `token-for-${body.email}` };
  }

  @Post('register')
  register(@Body() body: { email: string; password: string }) {
    return { email: body.email };
  }

  @Post('password/forgot')
  @HttpCode(202)
  forgotPassword(@Body() _body: { email: string }) {}
}
