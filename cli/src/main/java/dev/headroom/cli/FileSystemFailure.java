package dev.headroom.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words. java.nio's exceptions carry only the path as their
 * message ("/proc/x"), so "cannot write the report: /proc/x" left the user to guess; the reason is
 * in the exception's type.
 */
final class FileSystemFailure {
  private FileSystemFailure() {}

  /** "/proc/x: no such file or directory, and it cannot be created there"; other IO errors as they are. */
  static String describe(Exception e) {
    if (!(e instanceof FileSystemException fse)) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String why = fse instanceof AccessDeniedException ? "permission denied"
        // Files.createDirectories on a path a file already holds: what every caller here does.
        : fse instanceof FileAlreadyExistsException ? "exists and is not a directory"
        : fse instanceof NoSuchFileException ? "no such file or directory, and it cannot be created there"
        : fse instanceof NotDirectoryException ? "not a directory"
        : fse instanceof DirectoryNotEmptyException ? "directory not empty"
        : fse.getReason() != null ? fse.getReason()
        : fse.getClass().getSimpleName();
    String where = fse.getFile() == null ? "" : fse.getFile()
        + (fse.getOtherFile() == null ? "" : " -> " + fse.getOtherFile()) + ": ";
    return where + why;
  }
}
