using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Configuration;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and checks it at start by its
    /// validation attributes (and <see cref="IValidatableObject"/>), each failure naming the key, its
    /// value and what is expected. Safe to call from every <c>AddX</c> that needs the options.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        var options = services.AddOptions<T>();
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<T>) && !d.IsKeyedService && d.ImplementationInstance is SettingsValidator<T>)) return options;
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(section));
        return options.BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>
/// Runs the DataAnnotations rules of an options object, and of the members marked
/// <see cref="ValidateObjectMembersAttribute"/>, as messages an operator can act on:
/// <c>Webhooks:RetrySchedule is 'soon': expected delays like 0s,500ms,5m,2h, separated by commas.</c>
/// </summary>
internal sealed class SettingsValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = new List<string>();
        Check(options, section, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object options, string prefix, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault();
            var value = member is null ? null : options.GetType().GetProperty(member)?.GetValue(options);
            failures.Add(member is null ? $"{prefix}: {result.ErrorMessage}" : $"{prefix}:{member} is {Show(value)}: {result.ErrorMessage}");
        }
        foreach (var property in options.GetType().GetProperties().Where(p => p.IsDefined(typeof(ValidateObjectMembersAttribute), inherit: true)))
            if (property.GetValue(options) is { } nested) Check(nested, $"{prefix}:{property.Name}", failures);
    }

    private static string Show(object? value) => value switch
    {
        null => "unset",
        "" => "empty",
        string text => $"'{text}'",
        IEnumerable list => $"'{string.Join(",", list.Cast<object?>())}'",
        IFormattable formattable => $"'{formattable.ToString(null, CultureInfo.InvariantCulture)}'",
        _ => $"'{value}'",
    };
}
