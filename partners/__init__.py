"""Universities, enterprises and agencies: organisations, job placements, programmes, referrals."""
