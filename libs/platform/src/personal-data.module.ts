import { DynamicModule, Module } from '@nestjs/common';
import { PersonalDataCipher, retiredKeys } from './personal-data.cipher';

/**
 * The cipher for personal data, keyed by the service's PII_ENCRYPTION_KEY (and the retired keys of
 * PII_ENCRYPTION_RETIRED_KEYS, which only decrypt).
 */
@Module({})
export class PersonalDataModule {
  static register(base64Key: string, retiredBase64Keys?: string): DynamicModule {
    const cipher = new PersonalDataCipher(base64Key, retiredKeys(retiredBase64Keys));
    return {
      module: PersonalDataModule,
      global: true,
      providers: [{ provide: PersonalDataCipher, useValue: cipher }],
      exports: [PersonalDataCipher],
    };
  }
}
