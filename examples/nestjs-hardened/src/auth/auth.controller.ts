import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import { Public } from '../common/public.decorator';

// public by nature, with a strict limit per client
@Public()
@Throttle({ default: { ttl: 15 * 60_000, limit: 10 } })
@Controller('auth')
export class AuthController {
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
