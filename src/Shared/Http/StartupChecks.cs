using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Http;

public static class StartupChecks
{
    /// <summary>
    /// Checks the settings, then runs the app. A bad setting stops the process before anything
    /// starts, with one line per bad setting on stderr (the key, its value, what is expected) and
    /// exit code 1, rather than a stack trace. Checked here and not in <c>StartAsync</c>, where the
    /// host would log the failure again with its stack.
    /// </summary>
    public static void RunOrExplain(this WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (BadSettings(e) is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine("Cannot start: " + problem);
            Environment.ExitCode = 1;
            return;
        }
        app.Run();
    }

    private static List<string> BadSettings(Exception e) => e switch
    {
        OptionsValidationException invalid => invalid.Failures.SelectMany(f => f.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList(),
        AggregateException all => all.InnerExceptions.SelectMany(BadSettings).ToList(),
        // The configuration binder's own failure (a duration that is not one, say) names the key and the type.
        InvalidOperationException { InnerException: (FormatException or InvalidCastException or OverflowException) and var cause } binding
            when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [$"{binding.Message} {cause.Message}"],
        _ => [],
    };
}
