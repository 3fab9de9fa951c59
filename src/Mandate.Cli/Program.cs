using Mandate.Cli.Commands;

return await MandateCli.RunAsync(args);
