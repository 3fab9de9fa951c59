namespace Mandate.Bench.Cluster;

/// <summary>
/// One credential's journey. Times are milliseconds after the revocation was acknowledged (HTTP 200 from the
/// revoking node). The inactive answer happened somewhere between <see cref="LowerMs"/> (the first inactive
/// poll was sent) and <see cref="UpperMs"/> (its answer arrived); the report quotes the upper bound.
/// </summary>
internal sealed record PropagationSample(int Index, double RevokeMs, double LowerMs, double UpperMs, int Polls, bool Propagated);
