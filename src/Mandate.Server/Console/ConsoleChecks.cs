namespace Mandate.Server.Console;

/// <summary>The admin socket's refusals for the console (Problem Details member <c>check_id</c>).</summary>
public static class ConsoleChecks
{
    /// <summary>409: <c>console.listen</c> is not set, so there is no console to log in to.</summary>
    public const string Disabled = "admin.console_disabled";

    /// <summary>403: <c>environment</c> is prod or production; sign in with the identity provider.</summary>
    public const string OneTimeLoginRefused = "admin.console_login_refused";
}
