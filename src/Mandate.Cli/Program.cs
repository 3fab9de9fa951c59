using Mandate.Cli.Commands;

return await MandateCli.CreateRootCommand().Parse(args).InvokeAsync();
