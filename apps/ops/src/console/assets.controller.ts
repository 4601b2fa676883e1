import { Controller, Get, Header } from '@nestjs/common';
import { CONSOLE_CSS } from './html/layout';
import { OpenPage } from './session/session.guard';

/** The one stylesheet (the CSP allows styles from this origin only, and no script at all). */
@Controller()
export class AssetsController {
  @Get('console.css')
  @OpenPage()
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  css(): string {
    return CONSOLE_CSS;
  }
}
