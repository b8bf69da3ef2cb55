using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Chat.Shared.Http;

public static class ServiceDefaults
{
    /// <summary>
    /// What every HTTP service has: problem details, snake_case JSON, health checks, telemetry, OpenAPI.
    /// Not Kafka: the services that produce or consume add it themselves (<see cref="KafkaExtensions.AddKafka"/>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClientAborts>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<ShutdownDrain>();
        builder.Services.AddMetrics();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheckPublisher, HealthMetrics>());
        builder.Services.Configure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(2);
            o.Period = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddValidatedOptions<ChatOptions>(ChatOptions.Section);
        builder.AddChatTelemetry();
        builder.Services.AddOpenApi(o => o.AddBodyExamples().AddChatDocumentInfo());
        return builder;
    }

    /// <summary>Exception and status-code problem details, authentication, <c>/health/live</c>, <c>/health/ready</c>, <c>/metrics</c>, <c>/openapi/v1.json</c>, <c>/api-docs</c>.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseNotReadyWhenStopping();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();
        app.MapChatTelemetry();
        // The OpenAPI document of this process's endpoints, and an interactive reference to try them.
        app.MapOpenApi("/openapi/v1.json").AllowAnonymous();
        app.MapApiReference();
        return app;
    }
}

public static class HealthTags
{
    /// <summary>Checks that must pass before a service takes traffic.</summary>
    public const string Ready = "ready";
}
