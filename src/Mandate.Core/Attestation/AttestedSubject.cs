using Mandate.Core.Policy;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Attestation;

/// <summary>Whom a request is for: a user (from a user token or a run token), or the agent itself (background work).</summary>
/// <param name="Kind">User or agent.</param>
/// <param name="User">The user, when <paramref name="Kind"/> is user.</param>
/// <param name="Run">The run token presented as subject_token, verified against its stored run; null outside a run.</param>
public sealed record AttestedSubject(SubjectKind Kind, UserIdentity? User, PresentedRunToken? Run);
