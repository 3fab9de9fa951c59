namespace Mandate.Cli.Commands;

/// <summary>
/// What <c>mandate</c> returns, the same for every command (docs/cli.md): scripts tell "the answer is no" from
/// "there was no answer" without reading the text.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done: the action happened, or the check passed.</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command ran and the answer is no: the broker refused, a check failed (invalid policy or token, broken audit
    /// chain, failing policy test), or what was asked for does not exist.
    /// </summary>
    public const int Failed = 1;

    /// <summary>
    /// There was no answer; fix the command line or the set-up and run it again: an unknown command or option, a missing,
    /// conflicting or malformed argument, a configuration or input file that is missing or invalid, a store that cannot be
    /// opened as configured (a file that is not a database, refused credentials, a missing database or schema).
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// Nothing was decided and nothing done, try again later: the broker cannot be reached (nothing listens on its admin
    /// socket or address, or it did not answer in time) or it answered 503 (its store is unavailable, it is draining); or
    /// the store an offline command reads is locked by another process past the busy timeout, or its PostgreSQL server
    /// cannot be reached or takes no connections now.
    /// </summary>
    public const int Unavailable = 3;
}
