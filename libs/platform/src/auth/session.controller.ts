import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from './auth.guard';

/** Who the presented token is: the ops console signs people in with it (every service answers). */
@Controller('auth')
export class SessionController {
  @Get('me')
  @Roles('customer', 'support', 'metrics')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}
