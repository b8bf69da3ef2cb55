using Chat.Files;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddFiles();

var app = builder.Build();
app.UseServiceDefaults();
app.MapFiles();
app.RunOrExplain();
