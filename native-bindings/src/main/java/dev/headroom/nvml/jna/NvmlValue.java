package dev.headroom.nvml.jna;

import com.sun.jna.NativeLong;
import com.sun.jna.Union;

/** {@code nvmlValue_t} (union, 8 bytes): read the member {@code valueType} names. */
public class NvmlValue extends Union {
  public double dVal;
  public int siVal;
  public int uiVal;
  /** {@code unsigned long}: 8 bytes on Linux, 4 on Windows. */
  public NativeLong ulVal;
  public long ullVal;
  public long sllVal;
  public short usVal;
}
