namespace Mandate.Server.Tests.Harness;

/// <summary>One way an identity token can be wrong. Each hostile token has exactly one defect.</summary>
public enum TokenDefect
{
    Expired,
    NotYetValid,
    WrongAudience,
    UntrustedIssuer,
    ForgedSignature,
    AlgNone,
    Hs256WithPublicKey,
    HeaderJwk,
    HeaderJku,
    Garbage,
    Oversized,
}
