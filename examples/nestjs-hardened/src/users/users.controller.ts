import { Body, Controller, Get, Patch, Req } from '@nestjs/common';

// authenticated by the global guard; a user reads and changes their own record only
@Controller('users')
export class UsersController {
  @Get('me')
  me(@Req() req: { user: { id: string } }) {
    return req.user;
  }

  @Patch('me')
  update(@Req() req: { user: { id: string } }, @Body() body: { name: string }) {
    return { id: req.user.id, name: body.name };
  }
}
