using System.CommandLine;
using Mandate.Core.Configuration;

namespace Mandate.Cli.Commands;

/// <summary>Options several commands share, so they are spelled and documented once.</summary>
internal static class CommonOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "Broker configuration file (YAML); $MANDATE_CONFIG sets the default",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MANDATE_CONFIG") ?? "mandate.yaml",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of a table" };

    /// <summary><c>--limit</c>/<c>-n</c> of the listing commands: a count below 1 is a usage error, never quietly changed.</summary>
    public static Option<int> Limit(string description, int defaultValue)
    {
        var limit = new Option<int>("--limit", "-n") { Description = description, DefaultValueFactory = _ => defaultValue };
        limit.Validators.Add(result =>
        {
            // A value that is not a number is already the parser's error; reading it here would throw instead.
            if (result.Tokens is [var token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && value < 1)
            {
                result.AddError("--limit must be at least 1");
            }
        });
        return limit;
    }

    /// <summary>
    /// Why <paramref name="text"/> given to <paramref name="name"/> is refused when it is a duration too long to count:
    /// "not a duration" would send the operator looking for a typo. Null when it is not that.
    /// </summary>
    public static string? TooLongDuration(string name, string text) =>
        Duration.IsTooLong(text) ? $"{name}: '{text}' is too long; a duration counts at most {Duration.MaxCount} of its unit (s, m, h or d)" : null;

    /// <summary>Loads configuration, printing every problem and returning null when it is invalid.</summary>
    public static MandateOptions? LoadConfig(string path)
    {
        try
        {
            return ConfigLoader.LoadFile(path);
        }
        catch (MandateConfigException e)
        {
            Report(e, path);
            return null;
        }
    }

    /// <summary>
    /// Prints a configuration that is invalid, when it is read or later when a setting is used (a secret's variable
    /// unset, ...): one line for a problem without a place in the file, else every problem on its own line.
    /// </summary>
    public static void Report(MandateConfigException e, string? path = null)
    {
        if (e.Problems is [{ Line: 0 } whole])
        {
            // Missing or unreadable file, or a setting that fails when used: one line that names it and what to do.
            Output.Error(whole.ToString());
            return;
        }

        Output.Error(path is null ? "invalid configuration:" : $"configuration {Path.GetFullPath(path)} is invalid:");
        foreach (var p in e.Problems)
        {
            Output.ErrorLine("  " + p);
        }
    }
}
