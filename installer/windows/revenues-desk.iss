; Inno Setup script: a per-user installer for Revenues Desk (no administrator rights needed).
; It installs the one-folder build (dist\revenues-desk, made by PyInstaller from
; installer\revenues-desk.spec) into the user's own programs folder, with a Start menu entry
; and an uninstaller in Settings > Apps. Built on Windows by .github/workflows/windows-installer.yml:
;   iscc /DAppVersion=0.1.0 installer\windows\revenues-desk.iss
; The council's server and settings file are set for everyone by the machine configuration
; file (docs/deploying.md), which this installer neither writes nor removes.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (app/__init__.py __version__)
#endif
#define Root "..\.."

[Setup]
AppId={{7D1C6A52-1E6B-4B8E-9A55-2F3E0C4B9D61}
AppName=Revenues Desk
AppVersion={#AppVersion}
AppVerName=Revenues Desk {#AppVersion}
AppPublisher=Revenues Desk contributors
DefaultDirName={autopf}\Revenues Desk
DefaultGroupName=Revenues Desk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=revenues-desk-{#AppVersion}-windows-x64-user-setup
SetupIconFile={#Root}\resources\icons\revenues-desk.ico
UninstallDisplayIcon={app}\revenues-desk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "{#Root}\dist\revenues-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Revenues Desk"; Filename: "{app}\revenues-desk.exe"
Name: "{autodesktop}\Revenues Desk"; Filename: "{app}\revenues-desk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Run]
Filename: "{app}\revenues-desk.exe"; Description: "Start Revenues Desk"; Flags: nowait postinstall skipifsilent

; The user's data (embedded database, remembered connection, log) lives in
; %LOCALAPPDATA%\revenues-desk and is kept on uninstall: it may be the only copy of their work.
