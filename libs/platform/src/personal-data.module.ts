import { DynamicModule, Module } from '@nestjs/common';
import { PersonalDataCipher } from './personal-data.cipher';

/** The cipher for personal data at rest, keyed by the service's PII_ENCRYPTION_KEY. */
@Module({})
export class PersonalDataModule {
  static register(base64Key: string): DynamicModule {
    return {
      module: PersonalDataModule,
      global: true,
      providers: [{ provide: PersonalDataCipher, useValue: new PersonalDataCipher(base64Key) }],
      exports: [PersonalDataCipher],
    };
  }
}
