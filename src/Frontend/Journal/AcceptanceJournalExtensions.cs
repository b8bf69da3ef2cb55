using Chat.Frontend.Journal.Sqlite;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Frontend.Journal;

public static class AcceptanceJournalExtensions
{
    /// <summary>
    /// For the embedded broker only (the Host calls it when <c>Kafka:BootstrapServers</c> is empty): every
    /// accepted event is journaled in <c>messages.db</c> before its 202 and produced again after a crash.
    /// Off with <c>Frontend:AcceptanceJournal=false</c>, and off with <c>Store:Kind=mongo</c>: there no
    /// store transaction clears the entries (Apache Kafka, not a journal, is what keeps a 202 in distributed mode).
    /// </summary>
    public static IHostApplicationBuilder AddAcceptanceJournal(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue("Frontend:AcceptanceJournal", true) || builder.Configuration.StoreKind() != "sqlite") return builder;
        builder.AddKafka();
        builder.AddAcceptanceJournalStore();
        builder.Services.TryAddSingleton<AcceptanceJournalReplay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AcceptanceJournalReplay>());
        builder.Services.AddSingleton<IMessageLogRecovery>(sp => sp.GetRequiredService<AcceptanceJournalReplay>());
        return builder;
    }

    /// <summary>The journal's port alone: its table in <c>messages.db</c> under <c>Chat:DataDir</c>.</summary>
    public static IHostApplicationBuilder AddAcceptanceJournalStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<Chat.Shared.ChatOptions>().BindConfiguration(Chat.Shared.ChatOptions.Section);
        builder.Services.TryAddSingleton<IAcceptanceJournal>(sp => new SqliteAcceptanceJournal(sp.DataFile(StorageExtensions.MessagesFile)));
        return builder;
    }
}
