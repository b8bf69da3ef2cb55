using Chat.Files.Local;
using Chat.Files.S3;
using Chat.Shared;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Files;

public static class FilesExtensions
{
    /// <summary>The Files API (completed uploads go on chat.files) and the object store chosen by <c>ObjectStore:Kind</c> (unset: a directory under <c>Chat:DataDir</c>).</summary>
    public static IHostApplicationBuilder AddFiles(this IHostApplicationBuilder builder)
    {
        builder.AddFileRecordStore();
        builder.AddMessageStore();
        builder.AddKafka();
        builder.AddObjectStore();
        builder.Services.TryAddSingleton<InitiateUploadHandler>();
        builder.Services.TryAddSingleton<Media.ClamdScanner>();
        builder.Services.TryAddSingleton<Media.UploadScreening>();
        builder.Services.TryAddSingleton<CompleteUploadHandler>();
        builder.Services.TryAddSingleton<ReadFileHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FilesJsonContext.Default));
        return builder;
    }

    /// <summary>Only the object store and its options (for services that hand out download links); safe to call twice.</summary>
    public static IHostApplicationBuilder AddObjectStore(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(IObjectStore))) return builder;
        builder.Services.AddValidatedOptions<FilesOptions>(FilesOptions.Section);
        builder.Services.AddValidatedOptions<ObjectStoreOptions>(ObjectStoreOptions.Section);
        builder.Services.AddValidatedOptions<ChatOptions>(ChatOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var kind = builder.Configuration["ObjectStore:Kind"] ?? "local";
        switch (kind)
        {
            case "local":
                builder.Services.AddHttpContextAccessor();
                builder.Services.AddSingleton(sp => new LocalUrlSigner(
                    LocalUrlSigner.LoadKey(sp.GetRequiredService<IOptions<FilesOptions>>().Value.SigningKey,
                        sp.GetRequiredService<IOptions<ChatOptions>>().Value.PathFor(Path.Combine("keys", "files-signing.key"))),
                    sp.GetRequiredService<TimeProvider>()));
                builder.Services.AddSingleton<IObjectStore>(sp => new LocalObjectStore(
                    sp.GetRequiredService<IOptions<ChatOptions>>().Value.PathFor("objects"), sp.GetRequiredService<LocalUrlSigner>(),
                    sp.GetRequiredService<IOptions<FilesOptions>>().Value, sp.GetRequiredService<IHttpContextAccessor>(),
                    sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()));
                break;
            case "s3":
                builder.Services.AddSingleton<IObjectStore>(sp => new S3ObjectStore(sp.GetRequiredService<IOptions<ObjectStoreOptions>>().Value));
                break;
            default:
                throw new InvalidOperationException($"ObjectStore:Kind '{kind}' is unknown; use 'local' or 's3'.");
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        app.MapFilesApi();
        if (app.ServiceProvider.GetRequiredService<IObjectStore>() is LocalObjectStore) app.MapLocalObjects();
        return app;
    }
}
