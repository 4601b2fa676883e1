import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ReviewState, ReviewStates } from './review.entity';
import { ReviewDecision } from './review.rules';

export class ListReviewsQuery {
  @IsOptional() @IsIn(ReviewStates) state?: ReviewState;
}

export class RecordDocumentBody {
  @IsIn(['VERIFIED', 'REJECTED']) status!: 'VERIFIED' | 'REJECTED';
}

export class DecideReviewBody {
  @IsIn(['approve', 'deny']) decision!: ReviewDecision;
  @IsOptional() @IsString() @MaxLength(1000) note?: string;
}
